package quorumkv.client;

import quorumkv.raftlog.command.AuthChange;
import quorumkv.raftlog.command.AuthState;
import quorumkv.raftlog.command.Permission;

/**
 * Users, roles and grants: the authorization facet of a {@link KvClient} ({@link KvClient#auth()}). Admins
 * only (the names in the nodes' {@code quorumkv.auth.admins}, or users holding a role with
 * {@link Permission.Access#ADMIN}); anyone else gets {@link KvPermissionDeniedException}.
 *
 * <p>A user is the common name of a client certificate from the cluster's CA; roles hold
 * {@link Permission}s on key prefixes. Changes go through the Raft log like writes (so snapshots and
 * backups hold them) and take effect on each node when it applies them: a request that starts after
 * {@link #change} returned is judged by the new state on every node. Every change is idempotent, so a
 * retry is safe. Blocking; each call ends within the client's deadline.
 */
public interface KvAuth {

  /** Applies one change; {@link KvRejectedException} ({@code INVALID_ARGUMENT}) if it names a missing user or role. */
  void change(AuthChange change);

  /** The users, roles and whether authorization is on, read linearizably. */
  AuthState state();

  default void addUser(String user) {
    change(new AuthChange.AddUser(user));
  }

  default void deleteUser(String user) {
    change(new AuthChange.DeleteUser(user));
  }

  default void addRole(String role) {
    change(new AuthChange.AddRole(role));
  }

  default void deleteRole(String role) {
    change(new AuthChange.DeleteRole(role));
  }

  default void grantRole(String user, String role) {
    change(new AuthChange.GrantRole(user, role));
  }

  default void revokeRole(String user, String role) {
    change(new AuthChange.RevokeRole(user, role));
  }

  default void grant(String role, Permission permission) {
    change(new AuthChange.GrantPermission(role, permission));
  }

  default void revoke(String role, Permission permission) {
    change(new AuthChange.RevokePermission(role, permission));
  }

  /** Turns authorization on or off for the whole cluster (off: every caller with a certificate from the CA may do anything). */
  default void setEnabled(boolean enabled) {
    change(new AuthChange.SetEnabled(enabled));
  }
}
