package quorumkv.raftlog.store;

import java.util.List;
import quorumkv.raftlog.command.AuthState;
import quorumkv.raftlog.command.Bytes;
import quorumkv.raftlog.command.Caller;
import quorumkv.raftlog.command.Command;
import quorumkv.raftlog.command.Guard;
import quorumkv.raftlog.command.Permission;

/**
 * Decides whether a caller may run a command, from the replicated {@link AuthState} alone, so every
 * replica decides alike (writes are judged when their entry applies, reads after the read-index wait).
 *
 * <p>A null caller is a member node or an in-process call (and every call of a plaintext cluster): it may
 * do anything. A caller its node's configuration names admin, any caller while authorization is off, and
 * a user holding admin access may do anything too. Everyone else needs a permission covering every key the
 * command could touch, judged by its bounds (a range by its start and end, not by the keys it finds): a
 * read needs read or readwrite, a write readwrite, a transaction both for what it compares, reads and
 * writes.
 */
final class Authorizer {
  private static final Bytes ZERO = Bytes.wrap(new byte[] {0});

  private Authorizer() {}

  /** Null if {@code caller} may do anything; otherwise the caller (a user to check per command). */
  static boolean unrestricted(AuthState state, Caller caller) {
    return caller == null || caller.configAdmin() || !state.enabled() || state.isAdmin(caller.identity());
  }

  /** Null if {@code caller} may run {@code command}; otherwise why not, in one line. */
  static String denial(AuthState state, Caller caller, Command command) {
    if (unrestricted(state, caller)) {
      return null;
    }
    List<Permission> held = state.permissionsOf(caller.identity());
    return command.accept(new Check(held, caller.identity()));
  }

  /** Null if {@code caller} may administer the cluster (users, roles, membership, backups). */
  static String adminDenial(AuthState state, Caller caller, String what) {
    return unrestricted(state, caller) ? null
        : "'" + caller.identity() + "' is not an admin and may not " + what;
  }

  /** Null if every key the command could touch is covered; otherwise the first that is not. */
  private static final class Check implements Command.Visitor<String> {
    private final List<Permission> held;
    private final String user;

    Check(List<Permission> held, String user) {
      this.held = held;
      this.user = user;
    }

    private String read(Bytes start, Bytes end, String what) {
      return held.stream().anyMatch(p -> p.coversRead(start, end)) ? null
          : "'" + user + "' has no permission to read " + what;
    }

    private String write(Bytes key) {
      Bytes end = point(key);
      return held.stream().anyMatch(p -> p.coversWrite(key, end)) ? null
          : "'" + user + "' has no permission to write key '" + key + "' (writing needs readwrite)";
    }

    private String readKey(Bytes key) {
      return read(key, point(key), "key '" + key + "'");
    }

    @Override
    public String visitGet(Command.Get g) {
      return readKey(g.key());
    }

    @Override
    public String visitPut(Command.Put p) {
      return write(p.key());
    }

    @Override
    public String visitDelete(Command.Delete d) {
      return write(d.key());
    }

    @Override
    public String visitCompareAndSet(Command.CompareAndSet cas) {
      return write(cas.key());
    }

    @Override
    public String visitPutIfAbsent(Command.PutIfAbsent p) {
      return write(p.key());
    }

    @Override
    public String visitRange(Command.Range r) {
      return read(r.start(), r.end(), "the range ['" + r.start() + "', " + (r.end().isEmpty() ? "end of keys" : "'"
          + r.end() + "'") + ")");
    }

    /**
     * Leases: anyone may grant one; the other operations are for its owner (checked against the lease
     * table by {@link LeaseTable#ownerDenial}); only member nodes expire leases.
     */
    @Override
    public String visitLease(Command.Lease l) {
      return l.op() == Command.Lease.Op.EXPIRE ? "'" + user + "' may not expire leases (the leader does)" : null;
    }

    @Override
    public String visitTxn(Command.Txn t) {
      for (Guard g : t.guards()) {
        String d = readKey(g.key());
        if (d != null) {
          return d;
        }
      }
      for (List<Command> branch : List.of(t.onSuccess(), t.onFailure())) {
        for (Command op : branch) {
          String d = op.accept(this);
          if (d != null) {
            return d;
          }
        }
      }
      return null;
    }
  }

  /** The range holding exactly {@code key}: {@code [key, key + 0x00)}. */
  private static Bytes point(Bytes key) {
    byte[] k = key.unsafeArray();
    byte[] end = java.util.Arrays.copyOf(k, k.length + 1);
    end[k.length] = ZERO.unsafeArray()[0];
    return Bytes.wrap(end);
  }
}
