package quorumkv.client;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import quorumkv.raftlog.command.Bytes;
import quorumkv.raftlog.command.Command;
import quorumkv.raftlog.command.Guard;

/**
 * Builds an atomic transaction in etcd's shape: if every guard holds, the {@code then} operations run,
 * otherwise the {@code otherwise} operations; all in one log entry, so no reader sees part of it.
 * Operations may be get, put, delete and range. Not thread-safe; the built {@link Command.Txn} is
 * immutable.
 *
 * <pre>{@code
 * Command.Txn txn = TxnBuilder.when(Guard.modRevisionIs(Bytes.utf8("k"), rev))
 *     .then(TxnBuilder.put("k", "v2"), TxnBuilder.delete("k-lock"))
 *     .otherwise(TxnBuilder.get("k"))
 *     .build();
 * KvResult.Txn result = client.txn(txn);
 * }</pre>
 */
public final class TxnBuilder {
  private final List<Guard> guards = new ArrayList<>();
  private final List<Command> onSuccess = new ArrayList<>();
  private final List<Command> onFailure = new ArrayList<>();

  private TxnBuilder() {}

  /** A transaction whose branch depends on {@code guards} (none: the {@code then} branch always runs). */
  public static TxnBuilder when(Guard... guards) {
    TxnBuilder b = new TxnBuilder();
    b.guards.addAll(Arrays.asList(guards));
    return b;
  }

  /** Adds guards; all must hold. */
  public TxnBuilder and(Guard... more) {
    guards.addAll(Arrays.asList(more));
    return this;
  }

  /** Operations to run if every guard holds. */
  public TxnBuilder then(Command... ops) {
    onSuccess.addAll(Arrays.asList(ops));
    return this;
  }

  /** Operations to run if some guard does not hold. */
  public TxnBuilder otherwise(Command... ops) {
    onFailure.addAll(Arrays.asList(ops));
    return this;
  }

  public Command.Txn build() {
    return new Command.Txn(guards, onSuccess, onFailure);
  }

  public static Command.Put put(String key, String value) {
    return new Command.Put(Bytes.utf8(key), Bytes.utf8(value));
  }

  public static Command.Put put(Bytes key, Bytes value) {
    return new Command.Put(key, value);
  }

  /** A put that attaches the key to a lease (the whole transaction fails if the lease is gone). */
  public static Command.Put put(Bytes key, Bytes value, long leaseId) {
    return new Command.Put(key, value, leaseId);
  }

  public static Command.Put put(String key, String value, long leaseId) {
    return new Command.Put(Bytes.utf8(key), Bytes.utf8(value), leaseId);
  }

  public static Command.Get get(String key) {
    return new Command.Get(Bytes.utf8(key));
  }

  public static Command.Delete delete(String key) {
    return new Command.Delete(Bytes.utf8(key));
  }

  /** Keys in {@code [start, end)}; an empty {@code end} means no upper bound; limit 0 = server maximum. */
  public static Command.Range range(Bytes start, Bytes end, int limit) {
    return new Command.Range(start, end, limit);
  }
}
