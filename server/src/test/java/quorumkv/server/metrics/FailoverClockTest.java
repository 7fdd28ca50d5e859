package quorumkv.server.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import org.junit.jupiter.api.Test;

class FailoverClockTest {
  private static final long S = 1_000_000_000L;
  private final Histogram histogram = Histogram.builder().name("t").classicOnly()
      .classicUpperBounds(FailoverMetrics.FAILOVER_BUCKETS).build();
  private final FailoverClock clock = new FailoverClock(histogram);

  private HistogramSnapshot.HistogramDataPointSnapshot data() {
    return histogram.collect().getDataPoints().get(0);
  }

  @Test
  void measuresFromTheOldLeadersLastContactToTheNewTermsFirstCommit() {
    clock.applied(3, 10 * S);
    clock.leaderAlive(3, 12 * S); // heartbeats after the last write
    clock.leaderAlive(3, 11 * S); // an older contact read later changes nothing
    clock.applied(4, 14 * S + S / 2);
    assertEquals(1, data().getCount());
    assertEquals(2.5, data().getSum(), 1e-9);
  }

  @Test
  void aCommitOfTheOldTermLaterThanItsLastContactIsItsLastSignOfLife() {
    clock.applied(3, 10 * S);
    clock.leaderAlive(3, 11 * S);
    clock.applied(3, 13 * S);
    clock.applied(5, 14 * S);
    assertEquals(1.0, data().getSum(), 1e-9);
  }

  @Test
  void contactWithANewLeaderBeforeItsFirstCommitDoesNotShortenTheFailover() {
    clock.applied(3, 10 * S);
    clock.leaderAlive(4, 12 * S); // the winner of term 4 sent appends, nothing of term 4 committed yet
    clock.leaderAlive(2, 12 * S); // a stale term
    clock.applied(4, 13 * S);
    assertEquals(3.0, data().getSum(), 1e-9);
  }

  @Test
  void electionsThatNeverCommittedCountFromTheLastServingLeader() {
    clock.applied(3, 10 * S);
    clock.leaderAlive(5, 11 * S); // term 5's leader died before committing: it never served
    clock.applied(7, 16 * S);
    assertEquals(1, data().getCount());
    assertEquals(6.0, data().getSum(), 1e-9);
  }

  @Test
  void nothingIsMeasuredWithoutAKnownStart() {
    clock.applied(4, 10 * S); // the first entry this process applied: the term's start is unknown here
    assertEquals(0, data().getCount());
    clock.forget(); // a snapshot install replaced the state
    clock.applied(5, 20 * S);
    assertEquals(0, data().getCount());
    clock.applied(6, 21 * S); // from term 5 on, known again
    assertEquals(1, data().getCount());
    assertEquals(1.0, data().getSum(), 1e-9);
  }

  @Test
  void contactBeforeAnyCommitSeenIsIgnored() {
    clock.leaderAlive(-1, 5 * S);
    clock.leaderAlive(3, 5 * S);
    clock.applied(3, 10 * S);
    assertEquals(0, data().getCount());
  }
}
