package quorumkv.server.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import org.junit.jupiter.api.Test;

class FailoverClockTest {
  private static final long S = 1_000_000_000L;
  private static final long MS = 1_000_000L;
  private static final long VALID = 300 * MS; // the minimum election timeout
  private final Histogram histogram = Histogram.builder().name("t").classicOnly()
      .classicUpperBounds(FailoverMetrics.FAILOVER_BUCKETS).build();
  private final FailoverClock clock = new FailoverClock(histogram, VALID);

  private HistogramSnapshot.HistogramDataPointSnapshot data() {
    return histogram.collect().getDataPoints().get(0);
  }

  /** The sampler sees this node lead {@code term}: a failover measured here ends with its own first commit. */
  private void leads(long term) {
    clock.role(term, true, true);
  }

  /** Heartbeats of the leader of {@code term} every 150 ms from {@code from} to {@code to}, as the sampler sees them. */
  private void heartbeats(long term, long from, long to) {
    for (long t = from; t <= to; t += 150 * MS) {
      clock.leaderContact(term, t);
    }
  }

  @Test
  void measuresFromTheOldLeadersLastContactToTheNewTermsFirstCommit() {
    clock.applied(3, 10 * S);
    heartbeats(3, 10 * S, 12 * S); // heartbeats after the last write: the last at 11.95 s
    clock.leaderContact(3, 11 * S); // an older contact read later changes nothing
    leads(4);
    clock.applied(4, 14 * S);
    assertEquals(1, data().getCount());
    assertEquals(2.05, data().getSum(), 1e-9);
  }

  @Test
  void aCommitOfTheOldTermLaterThanItsLastContactIsItsLastSignOfLife() {
    clock.applied(3, 10 * S);
    clock.leaderContact(3, 11 * S);
    clock.applied(3, 13 * S);
    leads(5);
    clock.applied(5, 14 * S);
    assertEquals(1.0, data().getSum(), 1e-9);
  }

  @Test
  void aPreVoteGrantedAfterTheLeaderWentQuietIsNoSignOfLife() {
    clock.applied(3, 10 * S);
    heartbeats(3, 10 * S, 11 * S); // the last heartbeat at 10.9 s
    clock.leaderContact(3, 11 * S + 250 * MS); // Ratis refreshed its clock granting a pre-vote at 11.25 s
    leads(4);
    clock.applied(4, 11 * S + 400 * MS);
    assertEquals(0.5, data().getSum(), 1e-9);
  }

  @Test
  void aLateHeartbeatIsSkippedButTheNextOnesCount() {
    clock.applied(3, 10 * S);
    clock.leaderContact(3, 10 * S);
    clock.leaderContact(3, 10 * S + 400 * MS); // after a 400 ms pause of the leader: not taken
    clock.leaderContact(3, 10 * S + 550 * MS); // the next heartbeat: taken
    leads(4);
    clock.applied(4, 11 * S);
    assertEquals(0.45, data().getSum(), 1e-9);
  }

  @Test
  void contactWithANewLeaderBeforeItsFirstCommitDoesNotShortenTheFailover() {
    clock.applied(3, 10 * S);
    heartbeats(4, 12 * S, 13 * S); // the winner of term 4 sent appends, nothing of term 4 committed yet
    clock.leaderContact(2, 12 * S); // a stale term
    clock.applied(4, 13 * S);
    leads(4); // seen leading after its first commit: recorded then
    assertEquals(3.0, data().getSum(), 1e-9);
  }

  @Test
  void electionsThatNeverCommittedCountFromTheLastServingLeader() {
    clock.applied(3, 10 * S);
    clock.leaderContact(5, 11 * S); // term 5's leader died before committing: it never served
    leads(7);
    clock.applied(7, 16 * S);
    assertEquals(1, data().getCount());
    assertEquals(6.0, data().getSum(), 1e-9);
  }

  @Test
  void nothingIsMeasuredWithoutAKnownStart() {
    leads(4);
    clock.applied(4, 10 * S); // the first entry this process applied: the term's start is unknown here
    assertEquals(0, data().getCount());
    clock.forget(); // a snapshot install replaced the state
    leads(5);
    clock.applied(5, 20 * S);
    assertEquals(0, data().getCount());
    leads(6);
    clock.applied(6, 21 * S); // from term 5 on, known again
    assertEquals(1, data().getCount());
    assertEquals(1.0, data().getSum(), 1e-9);
  }

  @Test
  void contactBeforeAnyCommitSeenIsIgnored() {
    clock.leaderContact(-1, 5 * S);
    clock.leaderContact(3, 5 * S);
    leads(3);
    clock.applied(3, 10 * S);
    assertEquals(0, data().getCount());
  }

  @Test
  void nanoTimesMayBeNegative() {
    long base = -100 * S; // System.nanoTime has an arbitrary origin
    clock.applied(3, base);
    heartbeats(3, base, base + S);
    leads(4);
    clock.applied(4, base + 2 * S);
    assertEquals(1, data().getCount());
    assertEquals(1.1, data().getSum(), 1e-9);
  }

  @Test
  void aFollowerThatWasCutOffRecordsNothingWhenItRejoins() {
    clock.applied(3, 10 * S);
    heartbeats(3, 10 * S, 10 * S + 500 * MS);
    clock.role(3, false, true);
    // Cut off from 10.5 s: its election timer fires, pre-votes fail; the others elect a leader of term 4.
    clock.role(3, false, false);
    // It rejoins at 40 s and applies the new leader's entries: 29.5 s since its last contact, no failover of the cluster.
    clock.leaderContact(4, 40 * S);
    clock.role(4, false, true);
    clock.applied(4, 40 * S + 100 * MS);
    clock.role(4, false, true);
    assertEquals(0, data().getCount());
  }

  @Test
  void theNewLeaderRecordsOnceWhetherSeenLeadingBeforeOrAfterItsFirstCommit() {
    clock.applied(3, 10 * S);
    heartbeats(3, 10 * S, 11 * S);
    clock.role(4, false, false); // a candidate
    clock.applied(4, 12 * S); // its first commit as leader, before the sampler saw it lead
    assertEquals(0, data().getCount());
    leads(4);
    leads(4);
    assertEquals(1, data().getCount());
    assertEquals(1.1, data().getSum(), 1e-9);
    heartbeats(4, 12 * S, 13 * S); // the last at 12.9 s
    leads(5); // elected again (a transfer back, say), seen leading before its first commit of term 5
    clock.applied(5, 13 * S + 500 * MS);
    assertEquals(2, data().getCount());
    assertEquals(1.1 + 0.6, data().getSum(), 1e-9);
  }

  @Test
  void aMeasureIsDroppedOnceAnotherNodeLeadsItsTermOrANewerOne() {
    clock.applied(3, 10 * S);
    clock.applied(4, 12 * S); // a follower applying the new leader's first entry
    clock.role(4, false, true); // n2 leads term 4
    leads(4); // nothing is left to record, whatever a later reading says
    assertEquals(0, data().getCount());
    clock.applied(5, 14 * S);
    clock.role(6, false, false); // term 5's leader was never seen; term 6 is under way
    leads(5);
    assertEquals(0, data().getCount());
  }
}
