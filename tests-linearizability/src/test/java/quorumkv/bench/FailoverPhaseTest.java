package quorumkv.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * The round procedure and its bookkeeping against a simulated cluster (no processes): a fault of the
 * leader makes every write fail for {@link #OUTAGE_MS}, then the next member leads. Nothing is timed
 * against the figures but the simulated outage itself, which the figure must cover.
 */
class FailoverPhaseTest {
  private static final long OUTAGE_MS = 300;

  /** Three members; writes fail while an outage lasts (or for ever once {@code neverRecover}). */
  static class SimulatedCluster implements BenchTarget, ClusterProbe, MemberControl {
    final List<String> calls = Collections.synchronizedList(new ArrayList<>());
    volatile int leader;
    volatile long outageUntil = System.nanoTime();
    volatile boolean neverRecover;
    volatile boolean neverAgreeAgain;
    volatile boolean faulted;

    private void fault(int i) {
      assertEquals(leader, i, "the fault hits the leader");
      outageUntil = System.nanoTime() + OUTAGE_MS * 1_000_000;
      leader = (i + 1) % 3;
      faulted = true;
    }

    private boolean down() {
      return neverRecover || System.nanoTime() - outageUntil < 0;
    }

    @Override
    public CompletableFuture<?> putAsync(String key, byte[] value) {
      return down() ? CompletableFuture.failedFuture(new IllegalStateException("no leader"))
          : CompletableFuture.completedFuture(null);
    }

    @Override
    public List<View> views() {
      if (down() || (neverAgreeAgain && faulted)) {
        return List.of(View.SILENT, new View(true, -1, 2, true), View.SILENT);
      }
      return List.of(new View(true, leader, 2, true), new View(true, leader, 2, true), new View(true, leader, 2, true));
    }

    @Override
    public String name(int i) {
      return "m" + (i + 1);
    }

    @Override
    public boolean canIsolate() {
      return true;
    }

    @Override
    public void signal(int i, String signal) {
      calls.add(signal + " m" + (i + 1));
      if (!signal.equals("CONT")) {
        fault(i);
      }
    }

    @Override
    public void awaitExit(int i) {
      calls.add("awaitExit m" + (i + 1));
    }

    @Override
    public void start(int i) {
      calls.add("start m" + (i + 1));
    }

    @Override
    public void isolate(int i) {
      calls.add("isolate m" + (i + 1));
      fault(i);
    }

    @Override
    public void heal(int i) {
      calls.add("heal m" + (i + 1));
    }

    @Override
    public String name() {
      return "simulated";
    }

    @Override
    public void put(int key, byte[] value) {
      throw new UnsupportedOperationException();
    }

    @Override
    public int get(int key) {
      throw new UnsupportedOperationException();
    }

    @Override
    public void close() {}
  }

  private static List<FailoverRound> run(SimulatedCluster c, List<String> faults, int rounds, Duration bound,
      Duration stableBound, ByteArrayOutputStream log) throws InterruptedException {
    PacedWriter writer = new PacedWriter(c, Duration.ofSeconds(2), 500);
    writer.start(Duration.ofMillis(10));
    return new FailoverPhase("t", "sim", "loopback", c, c, writer, new PrintStream(log, true), bound, stableBound)
        .run(faults, rounds, 0);
  }

  @Test
  void everyRoundFaultsTheLeaderMeasuresTheOutageAndUndoesTheFault() throws Exception {
    SimulatedCluster c = new SimulatedCluster();
    List<FailoverRound> rows = run(c, List.of("kill", "stop", "isolate"), 2, Duration.ofSeconds(20),
        Duration.ofSeconds(20), new ByteArrayOutputStream());
    assertEquals(6, rows.size());
    assertEquals(List.of("KILL m1", "awaitExit m1", "start m1", "KILL m2", "awaitExit m2", "start m2",
        "STOP m3", "CONT m3", "STOP m1", "CONT m1", "isolate m2", "heal m2", "isolate m3", "heal m3"), c.calls);
    String[] leaders = {"m1", "m2", "m3", "m1", "m2", "m3"};
    for (int i = 0; i < rows.size(); i++) {
      FailoverRound r = rows.get(i);
      assertEquals(List.of("kill", "kill", "stop", "stop", "isolate", "isolate").get(i), r.fault());
      assertEquals(i % 2 + 1, r.round());
      assertTrue(r.measured(), r.toString());
      assertTrue(r.figureMs() >= OUTAGE_MS, "the figure covers the outage: " + r);
      assertEquals(leaders[i], r.leaderBefore());
      assertEquals(leaders[(i + 1) % 6], r.leaderAfter());
      assertTrue(r.failed() > 0, "writes during the outage failed and are the round's: " + r);
      assertTrue(r.acked() > 0, r.toString());
      assertEquals(0, r.timedOut());
      assertEquals("", r.note());
    }
  }

  @Test
  void aRoundWithNoAckWithinTheBoundIsReportedAndTheRunGoesOn() throws Exception {
    SimulatedCluster c = new SimulatedCluster() {
      private int faults;

      @Override
      public void signal(int i, String signal) {
        super.signal(i, signal);
        if (signal.equals("KILL") && ++faults == 1) {
          neverRecover = true;   // the first round's outage outlasts the bound; start() ends it
        }
      }

      @Override
      public void start(int i) {
        super.start(i);
        neverRecover = false;
      }
    };
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    List<FailoverRound> rows = run(c, List.of("kill"), 2, Duration.ofMillis(500), Duration.ofSeconds(20), log);
    assertEquals(2, rows.size());
    assertFalse(rows.get(0).measured());
    assertEquals("no acknowledged write within 500 ms", rows.get(0).note());
    assertTrue(rows.get(1).measured(), rows.get(1).toString());
    assertTrue(log.toString().contains("sim kill round 1/2: no acknowledged write within 500 ms"), log.toString());
  }

  @Test
  void aClusterThatDoesNotRecoverEndsThePhaseSayingSo() throws Exception {
    SimulatedCluster c = new SimulatedCluster();
    c.neverAgreeAgain = true;
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    List<FailoverRound> rows = run(c, List.of("stop", "kill"), 3, Duration.ofSeconds(5), Duration.ofSeconds(1), log);
    assertEquals(1, rows.size(), rows.toString());
    assertEquals("stop", rows.get(0).fault());
    assertTrue(rows.get(0).note().startsWith("no stable leader with every member caught up within 1 s"),
        rows.get(0).note());
    assertEquals(List.of("STOP m1", "CONT m1"), c.calls, "the stopped member was continued");
    assertTrue(log.toString().contains("the failover phase ends here"), log.toString());
  }
}
