package quorumkv.linearizability.runner;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import quorumkv.client.KvClient;
import quorumkv.client.KvClientConfig;
import quorumkv.client.connect.KvClients;
import quorumkv.linearizability.cluster.ClusterControl;
import quorumkv.linearizability.fault.FaultStep;
import quorumkv.linearizability.fault.FaultWindow;
import quorumkv.linearizability.workload.BankWorkload;

/**
 * Runs the bank workload under a fault schedule: transfer workers and reader workers, every read checked
 * against the invariant (total constant, no negative balance, every account present).
 */
public final class BankRun {
  private static final int MAX_OPS_PER_WORKER = 100_000;

  private BankRun() {}

  /** What the run saw; {@link #counts()} requires enough reads and transfers and faults that bit. */
  public record Result(long reads, List<String> violations, Map<BankWorkload.TransferOutcome, Long> transfers,
      List<FaultWindow> faults, List<String> skipped) {
    public boolean counts() {
      return reads >= 20 && transfers.getOrDefault(BankWorkload.TransferOutcome.DONE, 0L) >= 10;
    }

    public String summary() {
      return "bank: " + reads + " reads, transfers " + transfers + ", " + violations.size() + " violations"
          + (violations.isEmpty() ? "" : " e.g. " + violations.get(0)) + ", faults " + faults.size() + " " + skipped;
    }
  }

  public static Result run(ClusterControl cluster, BankWorkload bank, int workers, Duration duration,
      List<FaultStep> schedule, long seed) throws Exception {
    KvClientConfig config = KvClientConfig.builder().addresses(cluster.clientAddresses())
        .clusterId(cluster.clusterId()).deadline(Duration.ofSeconds(3)).rpcTimeout(Duration.ofSeconds(1))
        .tls(cluster.workloadTls()).build();
    List<String> violations = Collections.synchronizedList(new ArrayList<>());
    Map<BankWorkload.TransferOutcome, AtomicLong> outcomes = new EnumMap<>(BankWorkload.TransferOutcome.class);
    for (BankWorkload.TransferOutcome o : BankWorkload.TransferOutcome.values()) {
      outcomes.put(o, new AtomicLong());
    }
    AtomicLong reads = new AtomicLong();
    List<FaultWindow> windows = Collections.synchronizedList(new ArrayList<>());
    List<String> skipped = Collections.synchronizedList(new ArrayList<>());
    long start = System.nanoTime();
    try (KvClient client = KvClients.connect(config)) {
      bank.setup(client);
      AtomicBoolean stop = new AtomicBoolean();
      List<Thread> threads = new ArrayList<>();
      for (int w = 0; w < workers; w++) {
        boolean reader = w % 2 == 1;
        Random random = new Random(seed * 17 + w);
        Thread t = new Thread(() -> {
          for (int i = 0; i < MAX_OPS_PER_WORKER && !stop.get(); i++) {
            if (reader) {
              List<Long> balances = bank.readAll(client);
              if (balances != null) {
                reads.incrementAndGet();
                String v = bank.violation(balances);
                if (v != null) {
                  violations.add(v);
                }
              }
            } else {
              outcomes.get(bank.transfer(client, random)).incrementAndGet();
            }
          }
        }, "bank-" + w);
        t.start();
        threads.add(t);
      }
      Thread nemesis = new Thread(() -> Nemesis.run(cluster, schedule, seed, duration, start, windows, skipped));
      nemesis.start();
      Thread.sleep(duration.toMillis());
      stop.set(true);
      nemesis.join(60_000);
      for (Thread t : threads) {
        t.join(10_000);
      }
      // A final read after healing must also hold the invariant.
      cluster.healAll();
      List<Long> last = bank.readAll(client);
      if (last != null && bank.violation(last) != null) {
        violations.add("final read: " + bank.violation(last));
      }
    } finally {
      cluster.healAll();
      for (int i = 0; i < cluster.size(); i++) {
        if (!cluster.isRunning(i)) {
          cluster.restart(i);
        }
      }
    }
    Map<BankWorkload.TransferOutcome, Long> counts = new EnumMap<>(BankWorkload.TransferOutcome.class);
    outcomes.forEach((k, v) -> counts.put(k, v.get()));
    return new Result(reads.get(), List.copyOf(violations), counts, List.copyOf(windows), List.copyOf(skipped));
  }
}
