package quorumkv.raftlog.store;

import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.WriteBatch;
import quorumkv.raftlog.command.AuthState;
import quorumkv.raftlog.command.Caller;
import quorumkv.raftlog.command.CommandCodecException;
import quorumkv.raftlog.command.ErrorCode;
import quorumkv.raftlog.command.Request;
import quorumkv.raftlog.command.Response;

/**
 * The replicated users and roles: one {@code meta} key holding the whole {@link AuthState}. It is small and
 * read on every authorized request, so it is kept in memory and replaced whole when an auth entry applies.
 * A store without the key (a new cluster, or one from before authorization existed) has
 * {@link AuthState#INITIAL}.
 */
final class AuthTable {
  private final ColumnFamilyHandle meta;
  private volatile AuthState state;

  AuthTable(RocksDB db, ColumnFamilyHandle meta) throws RocksDBException {
    this.meta = meta;
    byte[] stored = db.get(meta, ColumnFamilies.AUTH_KEY);
    try {
      this.state = stored == null ? AuthState.INITIAL : AuthState.decode(stored);
    } catch (CommandCodecException e) {
      throw new StorageException("the stored users and roles do not decode: " + e.getMessage(), e);
    }
  }

  AuthState state() {
    return state;
  }

  /** What an auth entry does: its reply, and the state after it ({@link #state()} itself if nothing changes). */
  record Decision(Response response, AuthState next) {}

  /**
   * Judges the change carried by the entry at {@code index}: {@code PERMISSION_DENIED} unless {@code caller} is
   * an admin, {@code INVALID_ARGUMENT} if it names a missing user or role; deterministic, like every apply.
   */
  Decision decide(Request.AuthUpdate update, Caller caller, long index) {
    AuthState current = state;
    String denied = Authorizer.adminDenial(current, caller, "change users or roles");
    if (denied != null) {
      return new Decision(new Response.Failed(ErrorCode.PERMISSION_DENIED, denied), current);
    }
    try {
      return new Decision(new Response.Ok(index, java.util.List.of()), current.apply(update.change()));
    } catch (IllegalArgumentException e) {
      return new Decision(new Response.Failed(ErrorCode.INVALID_ARGUMENT, e.getMessage()), current);
    }
  }

  /** Adds {@code next} to {@code batch}; call {@link #committed} once the batch is written. */
  void stage(WriteBatch batch, AuthState next) throws RocksDBException {
    batch.put(meta, ColumnFamilies.AUTH_KEY, next.encode());
  }

  void committed(AuthState next) {
    state = next;
  }
}
