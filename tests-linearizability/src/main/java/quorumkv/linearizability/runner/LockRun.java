package quorumkv.linearizability.runner;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import quorumkv.client.KvClient;
import quorumkv.client.KvClientConfig;
import quorumkv.client.KvException;
import quorumkv.client.KvLock;
import quorumkv.client.TxnBuilder;
import quorumkv.client.Watch;
import quorumkv.client.WatchListener;
import quorumkv.client.WatchOptions;
import quorumkv.client.connect.KvClients;
import quorumkv.linearizability.checker.FencingChecker;
import quorumkv.linearizability.cluster.ClusterControl;
import quorumkv.linearizability.fault.FaultStep;
import quorumkv.linearizability.fault.FaultWindow;
import quorumkv.raftlog.command.Command;
import quorumkv.raftlog.command.Event;

/**
 * Contenders for one lock under a fault schedule, each writing fencing-guarded records while it holds the
 * lock; afterwards {@link FencingChecker} judges the committed history. Each contender is a service
 * instance with two clients: one holds the lock (its lease's keep-alives), one writes. Now and then a
 * holder "dies" or "pauses" (its lock client is closed, so its keep-alives stop, as in a process whose
 * heartbeat froze) and, after its lease must have expired, "wakes up" and tries a fenced write with its
 * old token, which the store must refuse. The time from a holder's death to the next holder is measured
 * against its bound (the lease TTL plus slack, plus the faults in between).
 */
public final class LockRun {
  private static final String PREFIX = "lk/";
  private static final String LOCK = PREFIX + "lock";
  private static final String RECORD = PREFIX + "rec";
  private static final int MAX_ROUNDS_PER_CONTENDER = 10_000;
  /** Slack beyond the TTL for a new holder to appear: the expirer's checks, commits, a loaded 2-core machine. */
  static final Duration TAKEOVER_SLACK = Duration.ofSeconds(4);

  private LockRun() {}

  /**
   * @param checkerFailures what the checker found (fencing rules) and takeovers slower than their bound
   * @param zombieAttempts fenced writes tried by woken-up old holders; {@code zombiesAccepted} of them applied
   */
  public record Result(FencingChecker.Verdict verdict, int acquisitions, int deaths, int zombieAttempts,
      int zombiesAccepted, List<String> slowTakeovers, boolean caughtUp, List<FaultWindow> faults, List<String> skipped) {
    public boolean counts() {
      return caughtUp && acquisitions >= 5 && deaths >= 1 && verdict.acceptedWrites() >= 10;
    }

    /**
     * The fencing rules held and every takeover came within its bound. A woken holder's write may apply when
     * a fault delayed its lease's expiry (it still held the lock): the checker, not the count, judges it.
     */
    public boolean passed() {
      return verdict.ok() && slowTakeovers.isEmpty();
    }

    public String summary() {
      return "locks: " + acquisitions + " acquisitions, " + deaths + " holder deaths, " + verdict.acceptedWrites()
          + " fenced writes by " + verdict.holders() + " holders, zombie writes " + zombiesAccepted + "/" + zombieAttempts
          + " accepted, " + verdict.violations().size() + " violations" + (verdict.ok() ? "" : " e.g. "
          + verdict.violations().get(0)) + ", slow takeovers " + slowTakeovers + ", caught up " + caughtUp + ", faults "
          + faults.size() + " " + skipped;
    }
  }

  /** @param fencing false: the broken variant, whose writes skip the fencing guard */
  public static Result run(ClusterControl cluster, int contenders, Duration ttl, Duration duration,
      List<FaultStep> schedule, long seed, boolean fencing) throws Exception {
    KvClientConfig config = KvClientConfig.builder().addresses(cluster.clientAddresses())
        .clusterId(cluster.clusterId()).deadline(Duration.ofSeconds(5)).rpcTimeout(Duration.ofSeconds(1))
        .tls(cluster.workloadTls()).build();
    List<FaultWindow> windows = Collections.synchronizedList(new ArrayList<>());
    List<String> skipped = Collections.synchronizedList(new ArrayList<>());
    List<long[]> deaths = Collections.synchronizedList(new ArrayList<>()); // {died at, next acquisition or 0}
    AtomicInteger acquisitions = new AtomicInteger();
    AtomicInteger zombieAttempts = new AtomicInteger();
    AtomicInteger zombiesAccepted = new AtomicInteger();
    List<FencingChecker.Change> history = Collections.synchronizedList(new ArrayList<>());
    long start = System.nanoTime();
    try (KvClient observer = KvClients.connect(config)) {
      long from = observer.put(PREFIX + "start", "" + seed).revision();
      CompletableFuture<Void> caughtUp = new CompletableFuture<>();
      String endMarker = PREFIX + "end";
      try (Watch w = observer.watch(WatchOptions.prefix(PREFIX).fromRevision(from), recorder(history, endMarker, caughtUp))) {
        AtomicBoolean stop = new AtomicBoolean();
        List<Thread> threads = new ArrayList<>();
        for (int c = 0; c < contenders; c++) {
          int id = c;
          Random random = new Random(seed * 31 + c);
          Thread t = new Thread(() -> contend(config, id, random, ttl, fencing, stop, acquisitions, deaths,
              zombieAttempts, zombiesAccepted), "contender-" + c);
          t.start();
          threads.add(t);
        }
        Thread nemesis = new Thread(() -> Nemesis.run(cluster, schedule, seed, duration, start, windows, skipped));
        nemesis.start();
        Thread.sleep(duration.toMillis());
        stop.set(true);
        nemesis.join(60_000);
        for (Thread t : threads) {
          t.join(60_000);
        }
        cluster.healAll();
        observer.put(endMarker, "done");
        boolean reached = waitQuietly(caughtUp, 60);
        List<String> slow = slowTakeovers(deaths, ttl, windows);
        FencingChecker.Verdict verdict;
        synchronized (history) {
          verdict = FencingChecker.check(List.copyOf(history), LOCK + "/", RECORD);
        }
        return new Result(verdict, acquisitions.get(), deaths.size(), zombieAttempts.get(), zombiesAccepted.get(), slow,
            reached, List.copyOf(windows), List.copyOf(skipped));
      }
    } finally {
      cluster.healAll();
      for (int i = 0; i < cluster.size(); i++) {
        if (!cluster.isRunning(i)) {
          cluster.restart(i);
        }
      }
    }
  }

  /** One contender: take the lock, write fenced records, release; every 3rd time die instead and wake up later. */
  private static void contend(KvClientConfig config, int id, Random random, Duration ttl, boolean fencing,
      AtomicBoolean stop, AtomicInteger acquisitions, List<long[]> deaths,
      AtomicInteger zombieAttempts, AtomicInteger zombiesAccepted) {
    try (KvClient writer = KvClients.connect(config)) {
      for (int round = 0; round < MAX_ROUNDS_PER_CONTENDER && !stop.get(); round++) {
        KvClient holderClient = KvClients.connect(config);
        boolean dies = random.nextInt(3) == 0;
        try {
          KvLock lock = holderClient.lock(LOCK, ttl, Duration.ofSeconds(20));
          long now = System.nanoTime();
          acquisitions.incrementAndGet();
          synchronized (deaths) {
            deaths.stream().filter(d -> d[1] == 0).forEach(d -> d[1] = now);
          }
          for (int seq = 0; seq < 3; seq++) {
            write(writer, lock, id + ":" + round + "." + seq, fencing);
            Thread.sleep(random.nextInt(50));
          }
          if (dies) {
            holderClient.close(); // keep-alives stop, the lock is never released: its lease must expire
            deaths.add(new long[] {System.nanoTime(), 0});
            Thread.sleep(ttl.toMillis() + TAKEOVER_SLACK.toMillis());
            zombieAttempts.incrementAndGet();
            if (write(writer, lock, id + ":" + round + ".zombie", fencing)) {
              zombiesAccepted.incrementAndGet();
            }
          } else {
            lock.close();
          }
        } catch (KvException e) {
          sleepQuietly(100); // a fault: try again
        } finally {
          holderClient.close();
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** A record write under the lock's token; true if it applied. Fencing off: not guarded (the broken variant). */
  private static boolean write(KvClient writer, KvLock lock, String what, boolean fencing) {
    Command put = TxnBuilder.put(RECORD, lock.fencingToken() + ":" + what);
    try {
      return writer.txn(fencing ? TxnBuilder.when(lock.guard()).then(put).build()
          : TxnBuilder.when().then(put).build()).succeeded();
    } catch (KvException e) {
      return false; // unknown or refused: the history says whether it applied
    }
  }

  /** Deaths whose next holder came later than TTL + slack + the faults inside that span. */
  static List<String> slowTakeovers(List<long[]> deaths, Duration ttl, List<FaultWindow> faults) {
    List<String> slow = new ArrayList<>();
    synchronized (deaths) {
      for (long[] d : deaths) {
        if (d[1] == 0) {
          continue; // the run ended first
        }
        long bound = ttl.toNanos() + TAKEOVER_SLACK.toNanos();
        for (FaultWindow f : faults) {
          if (f.endNanos() > d[0] && f.startNanos() < d[0] + bound) {
            bound += f.endNanos() - f.startNanos();
          }
        }
        if (d[1] - d[0] > bound) {
          slow.add((d[1] - d[0]) / 1_000_000 + " ms > " + bound / 1_000_000 + " ms");
        }
      }
    }
    return slow;
  }

  private static WatchListener recorder(List<FencingChecker.Change> history, String endMarker,
      CompletableFuture<Void> caughtUp) {
    return new WatchListener() {
      @Override
      public void onEvents(long revision, List<Event> events) {
        for (Event e : events) {
          String key = e.kv().key().toStringUtf8();
          if (key.equals(endMarker)) {
            caughtUp.complete(null);
          }
          history.add(new FencingChecker.Change(revision, key, e.type() == Event.Type.DELETE, e.kv().createRevision(),
              e.kv().value().toStringUtf8()));
        }
      }

      @Override
      public void onError(KvException error) {
        caughtUp.completeExceptionally(error);
      }
    };
  }

  private static boolean waitQuietly(CompletableFuture<Void> f, int seconds) {
    try {
      f.get(seconds, TimeUnit.SECONDS);
      return true;
    } catch (Exception e) {
      return false;
    }
  }

  private static void sleepQuietly(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
