package quorumkv.raftlog.command;

/**
 * One change to the replicated users and roles ({@link AuthState}), carried by a {@link Request.AuthUpdate}
 * through the log like any write. Every change is idempotent (adding what exists, deleting what does not,
 * granting what is granted: no change, no error), so it carries no session and a retry after a failover
 * is safe. Only admins may make one.
 */
public sealed interface AuthChange {

  /** Turns authorization on (the default) or off (every caller with a certificate from the CA may do anything). */
  record SetEnabled(boolean enabled) implements AuthChange {}

  record AddUser(String user) implements AuthChange {
    public AddUser { Caller.checkName(user, "user"); }
  }

  /** Deletes a user and its role grants. */
  record DeleteUser(String user) implements AuthChange {
    public DeleteUser { Caller.checkName(user, "user"); }
  }

  record AddRole(String role) implements AuthChange {
    public AddRole { Caller.checkName(role, "role"); }
  }

  /** Deletes a role, its permissions, and its grants to users. */
  record DeleteRole(String role) implements AuthChange {
    public DeleteRole { Caller.checkName(role, "role"); }
  }

  /** Gives {@code user} the role; both must exist. */
  record GrantRole(String user, String role) implements AuthChange {
    public GrantRole {
      Caller.checkName(user, "user");
      Caller.checkName(role, "role");
    }
  }

  record RevokeRole(String user, String role) implements AuthChange {
    public RevokeRole {
      Caller.checkName(user, "user");
      Caller.checkName(role, "role");
    }
  }

  /** Adds a permission to a role, which must exist. */
  record GrantPermission(String role, Permission permission) implements AuthChange {
    public GrantPermission {
      Caller.checkName(role, "role");
      if (permission == null) {
        throw new IllegalArgumentException("a grant needs a permission");
      }
    }
  }

  record RevokePermission(String role, Permission permission) implements AuthChange {
    public RevokePermission {
      Caller.checkName(role, "role");
      if (permission == null) {
        throw new IllegalArgumentException("a revoke needs a permission");
      }
    }
  }
}
