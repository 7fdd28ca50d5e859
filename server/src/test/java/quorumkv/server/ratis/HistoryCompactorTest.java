package quorumkv.server.ratis;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** What the leader proposes to compact, from its samples of (time, applied revision). */
class HistoryCompactorTest {

  @Test
  void nothingGoesBeforeASampleIsOlderThanTheAge() {
    HistoryCompactor c = new HistoryCompactor(null, 10, Duration.ofSeconds(60));
    c.sample(0, 100);
    assertEquals(0, c.target(0, 100));
    c.sample(30_000, 200);
    assertEquals(0, c.target(30_000, 200), "no sample is a minute old yet");
  }

  @Test
  void anOldSampleLetsItsRevisionGoButTheNewestRevisionsStay() {
    HistoryCompactor c = new HistoryCompactor(null, 10, Duration.ofMillis(1));
    c.sample(5_000, 60);
    assertEquals(0, c.target(5_000, 60), "the sample was just taken");
    c.sample(10_000, 60);
    assertEquals(51, c.target(10_000, 60), "the last 10 revisions stay although they are old");
  }

  @Test
  void theAgeLimitsWhatGoesWhenTheRevisionCountWouldAllowMore() {
    HistoryCompactor c = new HistoryCompactor(null, 10, Duration.ofSeconds(60));
    c.sample(0, 100);
    c.sample(30_000, 5_000);
    c.sample(60_000, 9_000);
    assertEquals(101, c.target(60_000, 9_000), "only what was applied a minute ago may go");
    c.sample(90_000, 9_500);
    assertEquals(5_001, c.target(90_000, 9_500));
    assertEquals(5_001, c.target(100_000, 9_500), "the newest old sample is kept, so the target never goes back");
  }
}
