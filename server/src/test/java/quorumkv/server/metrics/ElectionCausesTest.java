package quorumkv.server.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.prometheus.metrics.core.metrics.Counter;
import org.junit.jupiter.api.Test;
import quorumkv.server.status.ElectionCounts;

class ElectionCausesTest {
  private final Counter counter = Counter.builder().name("t").labelNames("cause").build();
  private final ElectionCauses causes = new ElectionCauses(counter);
  /** Two member instances (a restart of the member by the self-check makes a new one). */
  private final Object first = new Object();
  private final Object second = new Object();

  private double count(String cause) {
    return counter.labelValues(cause).get();
  }

  private static ElectionCounts counts(Object member, long timeouts, long transfers) {
    return new ElectionCounts(member, timeouts, transfers);
  }

  @Test
  void everyCauseIsThereAtZeroFromTheStart() {
    assertEquals(3, counter.collect().getDataPoints().size());
    assertEquals(0, count("startup") + count("timeout") + count("transfer"));
  }

  @Test
  void aTimeoutBeforeAnyLeaderWasKnownIsStartupAndLaterOnesAreTimeouts() {
    causes.observe(counts(first, 0, 0), false);
    causes.observe(counts(first, 1, 0), true); // timed out and won between two samples
    causes.observe(counts(first, 1, 0), true);
    causes.observe(counts(first, 3, 0), false); // leader lost: two rounds of timeouts
    assertEquals(1, count("startup"));
    assertEquals(2, count("timeout"));
    assertEquals(0, count("transfer"));
  }

  @Test
  void transfersAreCountedWhereTheLeaderHandedOver() {
    causes.observe(counts(first, 0, 0), true);
    causes.observe(counts(first, 0, 2), true);
    assertEquals(2, count("transfer"));
    assertEquals(0, count("timeout") + count("startup"));
  }

  @Test
  void ratisCountersRestartingAtZeroNeverMakeOursGoDownOrJump() {
    causes.observe(counts(first, 5, 1), true); // the first read: counted from 0
    causes.observe(counts(first, 5, 1), true);
    causes.observe(null, false); // the member is restarting: no registry
    causes.observe(counts(second, 1, 0), true); // a new member counts from 0 again
    causes.observe(counts(second, 2, 1), true);
    assertEquals(5, count("startup")); // before the first sample that knew a leader
    assertEquals(2, count("timeout"));
    assertEquals(2, count("transfer"));
  }

  @Test
  void aNewMemberSeenAfterTheOldOneWasGoneCountsFromZeroEvenAboveTheOldCounts() {
    causes.observe(counts(first, 1, 0), true);
    causes.observe(null, true); // restarted by the self-check
    causes.observe(counts(second, 3, 0), true); // the new member timed out three times
    assertEquals(1, count("startup"));
    assertEquals(3, count("timeout"));
  }

  @Test
  void aRestartBetweenTwoSamplesLosesNothingOfTheNewMembersCounts() {
    // No sample saw the member gone (it restarted within one sampling period, or while samples failed):
    // the new member's counts, here as high as the old one's, are all new.
    causes.observe(counts(first, 2, 1), true);
    causes.observe(counts(second, 2, 1), true);
    assertEquals(2, count("startup"));
    assertEquals(2, count("timeout"));
    assertEquals(2, count("transfer"));
  }

  @Test
  void aSampleWithoutCountsWhileTheSameMemberGoesOnCountsNothingTwice() {
    causes.observe(counts(first, 3, 1), true);
    causes.observe(null, true); // a read that found no registry; the member itself went on
    causes.observe(counts(first, 4, 1), true);
    assertEquals(3, count("startup"));
    assertEquals(1, count("timeout"));
    assertEquals(1, count("transfer"));
  }
}
