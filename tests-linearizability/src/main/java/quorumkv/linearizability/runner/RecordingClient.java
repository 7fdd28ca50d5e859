package quorumkv.linearizability.runner;

import quorumkv.client.KvClient;
import quorumkv.client.KvIndeterminateException;
import quorumkv.client.KvResult;
import quorumkv.linearizability.history.HistoryRecorder;
import quorumkv.linearizability.history.OperationKind;
import quorumkv.linearizability.history.Value;
import quorumkv.linearizability.run.Variant;
import quorumkv.linearizability.workload.Op;
import quorumkv.raftlog.command.Bytes;

/**
 * Runs operations through {@link KvClient} and records each as an invoke and a completion: ok, fail
 * (definitely not applied: a failed CAS, a definite error, any failed read) or info (a write whose
 * outcome is unknown). Thread-safe; each worker passes its own process id.
 */
public final class RecordingClient {
  private final KvClient client;
  private final HistoryRecorder recorder;
  private final Variant variant;
  private final StaleReader staleReader;
  private final String keyPrefix;

  /**
   * @param keyPrefix prepended to every key on the wire (not in the history), so runs sharing a cluster
   *     each start from absent keys, as the model assumes
   */
  public RecordingClient(KvClient client, HistoryRecorder recorder, Variant variant, StaleReader staleReader,
      String keyPrefix) {
    this.client = client;
    this.recorder = recorder;
    this.variant = variant;
    this.staleReader = staleReader;
    this.keyPrefix = keyPrefix;
  }

  /** What happened, for the worker: whether its process id may be reused, and the value seen. */
  public record Completion(boolean indeterminate, String observed, boolean ok) {}

  public Completion execute(int process, Op op) {
    Value input = switch (op.kind()) {
      case READ, DELETE -> Value.NULL;
      case WRITE -> Value.of(op.value());
      case CAS -> Value.cas(op.expected(), op.value());
      default -> throw new IllegalArgumentException("unsupported " + op.kind());
    };
    HistoryRecorder.Invocation inv = recorder.invoke(process, op.kind(), op.key(), input);
    String key = keyPrefix + op.key();
    if (variant == Variant.ACK_BEFORE_COMMIT && (op.kind() == OperationKind.WRITE || op.kind() == OperationKind.DELETE)) {
      return acknowledgeBeforeCommit(inv, op, key);
    }
    try {
      switch (op.kind()) {
        case READ -> {
          String v = variant == Variant.STALE_LOCAL_READS ? staleReader.read(key) : client.get(key).valueUtf8();
          recorder.ok(inv, Value.of(v));
          return new Completion(false, v, true);
        }
        case WRITE -> {
          client.put(key, op.value());
          recorder.ok(inv);
          return new Completion(false, op.value(), true);
        }
        case DELETE -> {
          client.delete(key);
          recorder.ok(inv);
          return new Completion(false, null, true);
        }
        default -> {
          KvResult.Cas r = op.expected() == null ? client.putIfAbsent(key, op.value())
              : client.compareAndSet(Bytes.utf8(key), Bytes.utf8(op.expected()), Bytes.utf8(op.value()));
          if (r.succeeded()) {
            recorder.ok(inv);
            return new Completion(false, op.value(), true);
          }
          recorder.fail(inv);
          return new Completion(false, r.current() == null ? null : r.current().value().toStringUtf8(), false);
        }
      }
    } catch (quorumkv.client.KvReplicationIncompleteException e) {
      // Applied (committed on a quorum), only not yet confirmed on every voter: the write took effect.
      recorder.ok(inv);
      return new Completion(false, op.value(), true);
    } catch (KvIndeterminateException e) {
      recorder.info(inv);
      return new Completion(true, null, false);
    } catch (RuntimeException e) {
      // Definite failures (unavailable, rejected) and every failed read: no effect.
      recorder.fail(inv);
      return new Completion(false, null, false);
    }
  }

  /**
   * The bug of {@link Variant#ACK_BEFORE_COMMIT}: the write is sent and acknowledged at once, before it
   * commits; the worker still waits for the real outcome (ignored) so the pace stays the same.
   */
  private Completion acknowledgeBeforeCommit(HistoryRecorder.Invocation inv, Op op, String key) {
    var pending = op.kind() == OperationKind.WRITE
        ? client.async().put(Bytes.utf8(key), Bytes.utf8(op.value()))
        : client.async().delete(Bytes.utf8(key));
    recorder.ok(inv);
    try {
      pending.join();
    } catch (RuntimeException e) {
      // the acknowledgement was already given: the bug hides the real outcome
    }
    return new Completion(false, op.value(), true);
  }

  /** Reads one key from some replica's local state, bypassing the read index (the broken variant). */
  public interface StaleReader {
    String read(String key);
  }

  /** The correct client has no stale reader. */
  public static StaleReader none() {
    return key -> {
      throw new IllegalStateException("no stale reads in this run");
    };
  }

}
