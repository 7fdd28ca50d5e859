package quorumkv.linearizability.workload;

import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import quorumkv.linearizability.history.OperationKind;

/**
 * Independent registers: reads, writes, compare-and-sets and deletes on a few keys, seeded and
 * reproducible per worker. Written values are unique ("w<worker>-<n>"), so a read can always be traced
 * to the write it saw — and a value written twice would show. CAS expects a value recently seen on that
 * key by this worker (or absence), so a fair share of CAS succeed.
 *
 * @param keys how many keys (few keys mean more contention and a harder check)
 * @param readPercent share of reads; the rest is split between writes, CAS and deletes
 * @param casPercent share of compare-and-sets
 * @param deletePercent share of deletes
 */
public record RegisterWorkload(int keys, int readPercent, int casPercent, int deletePercent) {
  public RegisterWorkload {
    if (keys < 1 || readPercent < 0 || casPercent < 0 || deletePercent < 0
        || readPercent + casPercent + deletePercent > 100) {
      throw new IllegalArgumentException("bad workload mix: " + keys + " " + readPercent + "/" + casPercent + "/" + deletePercent);
    }
  }

  public static RegisterWorkload standard() {
    return new RegisterWorkload(3, 50, 20, 5);
  }

  /** A generator for one worker: deterministic for a given seed and worker. */
  public Generator generator(long seed, int worker) {
    return new Generator(new Random(seed * 31 + worker), worker);
  }

  /** Produces one worker's operations. Not thread-safe: one per worker. */
  public final class Generator {
    private final Random random;
    private final int worker;
    private final AtomicLong written = new AtomicLong();
    private final String[] lastSeen = new String[keys];

    Generator(Random random, int worker) {
      this.random = random;
      this.worker = worker;
    }

    public Op next() {
      int k = random.nextInt(keys);
      String key = "r" + k;
      int roll = random.nextInt(100);
      if (roll < readPercent) {
        return new Op(OperationKind.READ, key, null, null);
      }
      String fresh = "w" + worker + "-" + written.incrementAndGet();
      if (roll < readPercent + casPercent) {
        return new Op(OperationKind.CAS, key, lastSeen[k], fresh);
      }
      if (roll < readPercent + casPercent + deletePercent) {
        return new Op(OperationKind.DELETE, key, null, null);
      }
      return new Op(OperationKind.WRITE, key, null, fresh);
    }

    /** Tells the generator what a completed operation saw, to aim later CAS at a live value. */
    public void observe(String key, String value) {
      lastSeen[Integer.parseInt(key.substring(1))] = value;
    }
  }
}
