package quorumkv.server.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.prometheus.metrics.core.metrics.Counter;
import org.junit.jupiter.api.Test;
import quorumkv.server.status.ElectionCounts;

class ElectionCausesTest {
  private final Counter counter = Counter.builder().name("t").labelNames("cause").build();
  private final ElectionCauses causes = new ElectionCauses(counter);

  private double count(String cause) {
    return counter.labelValues(cause).get();
  }

  @Test
  void everyCauseIsThereAtZeroFromTheStart() {
    assertEquals(3, counter.collect().getDataPoints().size());
    assertEquals(0, count("startup") + count("timeout") + count("transfer"));
  }

  @Test
  void aTimeoutBeforeAnyLeaderWasKnownIsStartupAndLaterOnesAreTimeouts() {
    causes.observe(new ElectionCounts(0, 0), false);
    causes.observe(new ElectionCounts(1, 0), true); // timed out and won between two samples
    causes.observe(new ElectionCounts(1, 0), true);
    causes.observe(new ElectionCounts(3, 0), false); // leader lost: two rounds of timeouts
    assertEquals(1, count("startup"));
    assertEquals(2, count("timeout"));
    assertEquals(0, count("transfer"));
  }

  @Test
  void transfersAreCountedWhereTheLeaderHandedOver() {
    causes.observe(new ElectionCounts(0, 0), true);
    causes.observe(new ElectionCounts(0, 2), true);
    assertEquals(2, count("transfer"));
    assertEquals(0, count("timeout") + count("startup"));
  }

  @Test
  void ratisCountersRestartingAtZeroNeverMakeOursGoDownOrJump() {
    causes.observe(new ElectionCounts(5, 1), true); // the first read: counted from 0
    causes.observe(new ElectionCounts(5, 1), true);
    causes.observe(null, false); // the member is restarting: no registry
    causes.observe(new ElectionCounts(1, 0), true); // a new member counts from 0 again
    causes.observe(new ElectionCounts(2, 1), true);
    assertEquals(5, count("startup")); // before the first sample that knew a leader
    assertEquals(2, count("timeout"));
    assertEquals(2, count("transfer"));
  }

  @Test
  void aNewMemberSeenAfterTheOldOneWasGoneCountsFromZeroEvenAboveTheOldCounts() {
    causes.observe(new ElectionCounts(1, 0), true);
    causes.observe(null, true); // restarted by the self-check
    causes.observe(new ElectionCounts(3, 0), true); // the new member timed out three times
    assertEquals(1, count("startup"));
    assertEquals(3, count("timeout"));
  }
}
