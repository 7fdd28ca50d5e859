package quorumkv.bench;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The bookkeeping of one delivery measurement: a fixed number of puts, each numbered, whose value carries
 * the run's nonce and the put's number in its first 16 bytes; when the put is acknowledged (its future
 * completed) and when its event reaches a watch listener. Latency is arrival minus acknowledgement, 0 when
 * the event arrived first (a watch on a node that applied the entry before the client heard the reply).
 * Thread-safe: puts and listeners call it from their own threads, in any order.
 */
final class DeliveryLatencies {
  /** Bytes of a value that identify the put: the nonce, then the put's number. */
  static final int TAG_BYTES = 16;
  private static final long NONE = Long.MIN_VALUE;

  private final long nonce = ThreadLocalRandom.current().nextLong() | 1;   // never 0: zeroed values are foreign
  private final int puts;
  private final AtomicInteger next = new AtomicInteger();
  private final AtomicLongArray ackedAt;
  private final AtomicLongArray arrivedAt;
  private final AtomicLong repeats = new AtomicLong();
  private final AtomicLong foreign = new AtomicLong();

  DeliveryLatencies(int puts) {
    if (puts < 1) {
      throw new IllegalArgumentException("puts " + puts + " must be at least 1");
    }
    this.puts = puts;
    this.ackedAt = filled(puts);
    this.arrivedAt = filled(puts);
  }

  private static AtomicLongArray filled(int n) {
    long[] a = new long[n];
    Arrays.fill(a, NONE);
    return new AtomicLongArray(a);
  }

  /** The number of the next put, or -1 when every put has been handed out (the writer stops). */
  int nextPut() {
    int n = next.getAndIncrement();
    return n < puts ? n : -1;
  }

  /** The value put number {@code put} writes: its tag, then zeros up to {@code size} (at least the tag). */
  byte[] value(int put, int size) {
    byte[] v = new byte[Math.max(TAG_BYTES, size)];
    ByteBuffer.wrap(v).putLong(nonce).putLong(put);
    return v;
  }

  /** Put number {@code put} was acknowledged at {@code nanos} (System.nanoTime). */
  void acked(int put, long nanos) {
    ackedAt.compareAndSet(put, NONE, nanos);
  }

  /**
   * An event carrying {@code value} reached a listener at {@code nanos}. A value without this run's tag
   * (another run's put, a put of another phase) is counted as foreign; a second arrival as a repeat.
   */
  void arrived(byte[] value, long nanos) {
    if (value.length < TAG_BYTES) {
      foreign.incrementAndGet();
      return;
    }
    ByteBuffer b = ByteBuffer.wrap(value);
    long tag = b.getLong();
    long put = b.getLong();
    if (tag != nonce || put < 0 || put >= puts) {
      foreign.incrementAndGet();
      return;
    }
    if (!arrivedAt.compareAndSet((int) put, NONE, nanos)) {
      repeats.incrementAndGet();
    }
  }

  /** True once every acknowledged put's event has arrived (what the driver waits for, bounded). */
  boolean caughtUp() {
    for (int i = 0; i < puts; i++) {
      if (ackedAt.get(i) != NONE && arrivedAt.get(i) == NONE) {
        return false;
      }
    }
    return true;
  }

  /**
   * What was seen. {@code acked}: puts acknowledged; {@code seen}: of those, the ones whose event arrived;
   * {@code early}: of those, arrived before the acknowledgement (latency 0); {@code unacked}: events of puts
   * never acknowledged (failed or timed out, yet applied); {@code latenciesNanos}: sorted, one per seen put.
   */
  record Summary(long acked, long seen, long early, long unacked, long repeats, long foreign, long[] latenciesNanos) {
    long missing() {
      return acked - seen;
    }

    /** Every acknowledged put delivered exactly once, nothing unknown: anything else is a bug to report. */
    boolean exact() {
      return missing() == 0 && repeats == 0 && foreign == 0;
    }
  }

  Summary summary() {
    long acked = 0;
    long early = 0;
    long unacked = 0;
    long[] latencies = new long[puts];
    int seen = 0;
    for (int i = 0; i < puts; i++) {
      long ack = ackedAt.get(i);
      long arrival = arrivedAt.get(i);
      if (ack == NONE) {
        if (arrival != NONE) {
          unacked++;
        }
        continue;
      }
      acked++;
      if (arrival != NONE) {
        if (arrival < ack) {
          early++;
        }
        latencies[seen++] = Math.max(0, arrival - ack);
      }
    }
    long[] sorted = Arrays.copyOf(latencies, seen);
    Arrays.sort(sorted);
    return new Summary(acked, seen, early, unacked, repeats.get(), foreign.get(), sorted);
  }
}
