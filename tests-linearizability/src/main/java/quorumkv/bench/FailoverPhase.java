package quorumkv.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;

/**
 * The failover rounds against one running cluster, with the paced writer going all along. Per round: wait
 * until every member agrees on a leader and a write is acknowledged; fault the leader (kill: SIGKILL;
 * stop: SIGSTOP; isolate: its namespace's link down), the figure's clock starting just before the
 * signal or link call; wait (at most {@link #BOUND}) for the first acknowledgement of a write invoked once
 * that call had returned (see {@link WriteSample#firstAckAfter(long, long, java.util.List)}); undo the fault (kill: restart the member on its data dir; stop: SIGCONT; isolate:
 * link up) and wait until the cluster is stable and caught up again. Writes are tagged with their round,
 * so a round's failed and timed-out writes include those of its recovery.
 */
final class FailoverPhase {
  /** A round with no acknowledged write this long after the fault is reported as such, and undone. */
  static final Duration BOUND = Duration.ofSeconds(30);
  /** A cluster not stable again this long after a fault is undone ends the phase: it is broken. */
  static final Duration STABLE_BOUND = Duration.ofSeconds(180);
  /** Tags of the waits before rounds start here: their writes are not any round's. */
  private static final int WAIT_TAGS = 1_000_000;

  private final String run;
  private final String system;
  private final String layout;
  private final ClusterProbe probe;
  private final MemberControl control;
  private final PacedWriter writer;
  private final PrintStream log;
  private final Duration bound;
  private final Duration stableBound;
  private int nextWaitTag = WAIT_TAGS;

  FailoverPhase(String run, String system, String layout, ClusterProbe probe, MemberControl control,
      PacedWriter writer, PrintStream log) {
    this(run, system, layout, probe, control, writer, log, BOUND, STABLE_BOUND);
  }

  /** With other bounds than {@link #BOUND} and {@link #STABLE_BOUND} (tests). */
  FailoverPhase(String run, String system, String layout, ClusterProbe probe, MemberControl control,
      PacedWriter writer, PrintStream log, Duration bound, Duration stableBound) {
    this.bound = bound;
    this.stableBound = stableBound;
    this.run = run;
    this.system = system;
    this.layout = layout;
    this.probe = probe;
    this.control = control;
    this.writer = writer;
    this.log = log;
  }

  /** A leader every member agrees on, the highest term seen, and when that was established. */
  record Stable(int leader, long term) {}

  /** What one round saw, before its writes' outcomes are all in. */
  record Observed(String fault, int round, int tag, double figureMs, double faultCallMs, String before, String after, long termBefore,
      long termAfter, int leaderChanges, double seconds, String note) {}

  /**
   * Runs {@code rounds} rounds of each fault, then (if {@code quietMinutes} > 0) the quiet run; returns one
   * row per round once every write has ended. A cluster that does not recover ends the phase early, said in
   * the last row's note.
   */
  List<FailoverRound> run(List<String> faults, int rounds, double quietMinutes) throws InterruptedException {
    List<Observed> seen = new ArrayList<>();
    int tag = 0;
    try {
      for (String fault : faults) {
        for (int r = 1; r <= rounds; r++) {
          Observed o = round(fault, r, ++tag);
          seen.add(o);
          log.printf("%s %s round %d/%d: %s (leader %s -> %s, term %d -> %d)%s%n", system, fault, r, rounds,
              Double.isNaN(o.figureMs()) ? "no acknowledged write within " + bound.toMillis() + " ms"
                  : String.format("%.0f ms", o.figureMs()), o.before(), o.after(), o.termBefore(), o.termAfter(),
              o.note().isEmpty() ? "" : " (" + o.note() + ")");
        }
      }
      if (quietMinutes > 0) {
        seen.add(quiet(quietMinutes, ++tag));
      }
    } catch (ClusterBroken e) {
      log.println(system + ": " + e.getMessage() + "; the failover phase ends here");
      seen.add(new Observed(e.fault, e.round, e.tag, Double.NaN, Double.NaN, "-", "-", -1, -1, 0, 0, e.getMessage()));
    }
    writer.close();
    if (!writer.awaitQuiet()) {
      log.println(system + ": writes still in flight after their deadline; their outcomes are missing");
    }
    List<FailoverRound> rows = new ArrayList<>();
    for (Observed o : seen) {
      List<WriteSample> w = writer.ended(o.tag());
      rows.add(new FailoverRound(run, system, layout, o.fault(), o.round(), o.figureMs(), o.faultCallMs(),
          o.before(), o.after(),
          o.termBefore(), o.termAfter(), o.leaderChanges(), WriteSample.count(w, WriteSample.Outcome.ACKED),
          WriteSample.count(w, WriteSample.Outcome.FAILED), WriteSample.count(w, WriteSample.Outcome.TIMED_OUT),
          writer.unsent(o.tag()), o.seconds(), o.note()));
    }
    return rows;
  }

  private Observed round(String fault, int round, int tag) throws InterruptedException {
    Stable before = awaitStable(nextWaitTag++, fault, round);
    writer.tag(tag);
    int leader = before.leader();
    long start = System.nanoTime();
    long faultNanos;
    long applied;
    try {
      faultNanos = System.nanoTime();
      switch (fault) {
        case "kill" -> control.signal(leader, "KILL");
        case "stop" -> control.signal(leader, "STOP");
        case "isolate" -> control.isolate(leader);
        default -> throw new IllegalArgumentException("unknown fault " + fault);
      }
      applied = System.nanoTime();
    } catch (IOException e) {
      throw new ClusterBroken(fault, round, tag, "could not " + fault + " " + probe.name(leader) + ": " + e.getMessage());
    }
    OptionalLong figure = awaitFirstAck(faultNanos, applied, tag);
    String note = figure.isPresent() ? "" : "no acknowledged write within " + bound.toMillis() + " ms";
    try {
      switch (fault) {
        case "kill" -> {
          control.awaitExit(leader);
          control.start(leader);
        }
        case "stop" -> control.signal(leader, "CONT");
        default -> control.heal(leader);
      }
    } catch (IOException e) {
      throw new ClusterBroken(fault, round, tag, "could not undo " + fault + " of " + probe.name(leader) + ": "
          + e.getMessage());
    }
    Stable after = awaitStable(tag, fault, round);
    return new Observed(fault, round, tag, figure.isPresent() ? figure.getAsLong() / 1e6 : Double.NaN,
        (applied - faultNanos) / 1e6, probe.name(leader), probe.name(after.leader()), before.term(), after.term(), 0,
        (System.nanoTime() - start) / 1e9, note);
  }

  private OptionalLong awaitFirstAck(long faultNanos, long applied, int tag) throws InterruptedException {
    long until = faultNanos + bound.toNanos();
    while (true) {
      OptionalLong figure = WriteSample.firstAckAfter(faultNanos, applied, writer.ended(tag));
      if (figure.isPresent() || System.nanoTime() - until > 0) {
        return figure;
      }
      Thread.sleep(2);
    }
  }

  /**
   * Waits until every member answers, is caught up and names the same leader, and then a write invoked
   * after that is acknowledged; writes meanwhile are recorded under {@code tag}.
   */
  private Stable awaitStable(int tag, String fault, int round) throws InterruptedException {
    writer.tag(tag);
    long until = System.nanoTime() + stableBound.toNanos();
    List<ClusterProbe.View> views = List.of();
    while (System.nanoTime() - until < 0) {
      views = probe.views();
      int leader = ClusterProbe.agreedLeader(views);
      if (leader >= 0) {
        long agreed = System.nanoTime();
        long ackBy = agreed + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() - ackBy < 0) {
          if (WriteSample.firstAckAfter(agreed, writer.ended(tag)).isPresent()) {
            return new Stable(leader, ClusterProbe.maxTerm(views));
          }
          Thread.sleep(10);
        }
      }
      Thread.sleep(200);
    }
    throw new ClusterBroken(fault, round, tag, "no stable leader with every member caught up within "
        + stableBound.toSeconds() + " s (last views: " + views + ")");
  }

  /** The paced writer for {@code minutes} with no fault: leader changes seen once a second, and the term. */
  private Observed quiet(double minutes, int tag) throws InterruptedException {
    Stable before = awaitStable(nextWaitTag++, "quiet", 0);
    writer.tag(tag);
    long start = System.nanoTime();
    long end = start + (long) (minutes * 60e9);
    int leader = before.leader();
    int changes = 0;
    long term = before.term();
    while (System.nanoTime() - end < 0) {
      Thread.sleep(1000);
      List<ClusterProbe.View> views = probe.views();
      term = Math.max(term, ClusterProbe.maxTerm(views));
      int now = ClusterProbe.likelyLeader(views);
      if (now >= 0 && now != leader) {
        changes++;
        log.printf("%s quiet: leader %s -> %s at %.0f s (term %d)%n", system, probe.name(leader), probe.name(now),
            (System.nanoTime() - start) / 1e9, term);
        leader = now;
      }
    }
    log.printf("%s quiet: %.1f minutes, term %d -> %d, %d leader changes%n", system, minutes, before.term(), term,
        changes);
    return new Observed("quiet", 0, tag, Double.NaN, Double.NaN, probe.name(before.leader()), probe.name(leader), before.term(),
        term, changes, (System.nanoTime() - start) / 1e9, "");
  }

  /** The cluster did not come back (or a fault could not be applied or undone): later rounds would measure nothing. */
  static final class ClusterBroken extends RuntimeException {
    final String fault;
    final int round;
    final int tag;

    ClusterBroken(String fault, int round, int tag, String message) {
      super(message);
      this.fault = fault;
      this.round = round;
      this.tag = tag;
    }
  }
}
