package quorumkv.raftlog.command;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The replicated users, roles and grants, and whether authorization is on. Immutable: every
 * {@link AuthChange} makes a new state, which the store persists in the batch of the entry that carried the
 * change (so snapshots, installs and backups hold it) and swaps in whole.
 *
 * <p>A user is a certificate name; it holds roles; a role holds {@link Permission}s. A fresh cluster has
 * authorization on and no users: only the admins named in the nodes' configuration (and the nodes
 * themselves) may do anything until an admin grants more.
 */
public record AuthState(boolean enabled, SortedMap<String, SortedSet<String>> users,
    SortedMap<String, List<Permission>> roles) {
  public static final int MAX_USERS = 10_000, MAX_ROLES = 10_000, MAX_PERMISSIONS_PER_ROLE = 1_000;

  /** A new cluster's state: authorization on, no users, no roles. */
  public static final AuthState INITIAL = new AuthState(true, new TreeMap<>(), new TreeMap<>());

  private static final Comparator<Permission> ORDER =
      Comparator.comparing((Permission p) -> p.access().number()).thenComparing(Permission::prefix);

  public AuthState {
    SortedMap<String, SortedSet<String>> u = new TreeMap<>();
    users.forEach((k, v) -> u.put(k, Collections.unmodifiableSortedSet(new TreeSet<>(v))));
    users = Collections.unmodifiableSortedMap(u);
    SortedMap<String, List<Permission>> r = new TreeMap<>();
    roles.forEach((k, v) -> r.put(k, v.stream().distinct().sorted(ORDER).toList()));
    roles = Collections.unmodifiableSortedMap(r);
  }

  /**
   * The state after {@code change}: itself if the change changes nothing.
   *
   * @throws IllegalArgumentException if the change names a user or role that does not exist, or would pass
   *     a size limit; nothing changes then
   */
  public AuthState apply(AuthChange change) {
    SortedMap<String, SortedSet<String>> u = new TreeMap<>(users);
    SortedMap<String, List<Permission>> r = new TreeMap<>(roles);
    boolean on = enabled;
    if (change instanceof AuthChange.SetEnabled c) {
      on = c.enabled();
    } else if (change instanceof AuthChange.AddUser c) {
      u.putIfAbsent(c.user(), new TreeSet<>());
    } else if (change instanceof AuthChange.DeleteUser c) {
      u.remove(c.user());
    } else if (change instanceof AuthChange.AddRole c) {
      r.putIfAbsent(c.role(), List.of());
    } else if (change instanceof AuthChange.DeleteRole c) {
      r.remove(c.role());
      u.replaceAll((name, held) -> without(held, c.role()));
    } else if (change instanceof AuthChange.GrantRole c) {
      requireUser(c.user());
      requireRole(c.role());
      SortedSet<String> held = new TreeSet<>(u.get(c.user()));
      held.add(c.role());
      u.put(c.user(), held);
    } else if (change instanceof AuthChange.RevokeRole c) {
      requireUser(c.user());
      u.put(c.user(), without(u.get(c.user()), c.role()));
    } else if (change instanceof AuthChange.GrantPermission c) {
      requireRole(c.role());
      List<Permission> held = new ArrayList<>(r.get(c.role()));
      if (!held.contains(c.permission())) {
        held.add(c.permission());
      }
      if (held.size() > MAX_PERMISSIONS_PER_ROLE) {
        throw new IllegalArgumentException("role '" + c.role() + "' already holds " + MAX_PERMISSIONS_PER_ROLE
            + " permissions, the most a role may hold");
      }
      r.put(c.role(), held);
    } else if (change instanceof AuthChange.RevokePermission c) {
      requireRole(c.role());
      List<Permission> held = new ArrayList<>(r.get(c.role()));
      held.remove(c.permission());
      r.put(c.role(), held);
    }
    if (u.size() > MAX_USERS || r.size() > MAX_ROLES) {
      throw new IllegalArgumentException("at most " + MAX_USERS + " users and " + MAX_ROLES + " roles");
    }
    AuthState next = new AuthState(on, u, r);
    return next.equals(this) ? this : next;
  }

  /** True if {@code user} holds a role with admin access. */
  public boolean isAdmin(String user) {
    return permissionsOf(user).stream().anyMatch(p -> p.access() == Permission.Access.ADMIN);
  }

  /** Every permission of every role {@code user} holds; empty for an unknown user. */
  public List<Permission> permissionsOf(String user) {
    SortedSet<String> held = users.get(user);
    if (held == null || held.isEmpty()) {
      return List.of();
    }
    List<Permission> out = new ArrayList<>();
    for (String role : held) {
      out.addAll(roles.getOrDefault(role, List.of()));
    }
    return out;
  }

  private void requireUser(String user) {
    if (!users.containsKey(user)) {
      throw new IllegalArgumentException("no user '" + user + "': add it first (user add)");
    }
  }

  private void requireRole(String role) {
    if (!roles.containsKey(role)) {
      throw new IllegalArgumentException("no role '" + role + "': add it first (role add)");
    }
  }

  private static SortedSet<String> without(SortedSet<String> held, String role) {
    SortedSet<String> out = new TreeSet<>(held);
    out.remove(role);
    return out;
  }

  /** The stored and wire form: {@code enabled:u8 list(user:string list(role:string)) list(role:string list(permission))}. */
  public byte[] encode() {
    WireWriter w = WireWriter.message();
    write(w);
    return w.toByteArray();
  }

  public static AuthState decode(byte[] bytes) {
    return WireReader.message(bytes, AuthState::read);
  }

  void write(WireWriter w) {
    w.bool(enabled);
    w.i32(users.size());
    for (Map.Entry<String, SortedSet<String>> e : users.entrySet()) {
      w.string(e.getKey());
      w.i32(e.getValue().size());
      e.getValue().forEach(w::string);
    }
    w.i32(roles.size());
    for (Map.Entry<String, List<Permission>> e : roles.entrySet()) {
      w.string(e.getKey());
      w.i32(e.getValue().size());
      e.getValue().forEach(p -> writePermission(w, p));
    }
  }

  static AuthState read(WireReader r) {
    boolean on = r.bool();
    SortedMap<String, SortedSet<String>> u = new TreeMap<>();
    for (int i = 0, n = r.count(); i < n; i++) {
      String user = r.string();
      SortedSet<String> held = new TreeSet<>();
      for (int j = 0, m = r.count(); j < m; j++) {
        held.add(r.string());
      }
      u.put(user, held);
    }
    SortedMap<String, List<Permission>> roles = new TreeMap<>();
    for (int i = 0, n = r.count(); i < n; i++) {
      String role = r.string();
      List<Permission> held = new ArrayList<>();
      for (int j = 0, m = r.count(); j < m; j++) {
        held.add(readPermission(r));
      }
      roles.put(role, held);
    }
    return new AuthState(on, u, roles);
  }

  static void writePermission(WireWriter w, Permission p) {
    w.u8(p.access().number());
    w.bytes(p.prefix());
  }

  static Permission readPermission(WireReader r) {
    Permission.Access access = Permission.Access.ofNumber(r.u8());
    return new Permission(access, r.bytes());
  }
}
