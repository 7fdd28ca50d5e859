package quorumkv.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import quorumkv.bench.WriteSample.Outcome;

/** The failover figure from recorded writes, and the round's outcome counts. */
class FailoverFigureTest {
  private static final long FAULT = 1_000_000_000L;

  private static WriteSample w(long invokeMsAfterFault, long doneMsAfterFault, Outcome o) {
    return new WriteSample(FAULT + invokeMsAfterFault * 1_000_000, FAULT + doneMsAfterFault * 1_000_000, o);
  }

  @Test
  void theFigureIsTheFirstAckOfAWriteInvokedAtOrAfterTheFault() {
    List<WriteSample> samples = List.of(
        w(-5, 3, Outcome.ACKED),          // invoked before the fault, acked after: does not count
        w(0, 900, Outcome.ACKED),         // invoked at the fault
        w(10, 10_010, Outcome.TIMED_OUT),
        w(20, 500, Outcome.FAILED),       // failed early: not an acknowledgement
        w(400, 700, Outcome.ACKED));      // invoked later, acked first: this is the figure
    assertEquals(OptionalLong.of(700_000_000L), WriteSample.firstAckAfter(FAULT, samples));
  }

  @Test
  void writesInvokedWhileTheFaultCallRanDoNotCountButItsTimeDoes() {
    long applied = FAULT + 8_000_000;   // the kill command took 8 ms
    List<WriteSample> samples = List.of(
        w(3, 6, Outcome.ACKED),           // sent to the old leader before the kill landed: does not count
        w(8, 1_500, Outcome.ACKED),       // invoked as the call returned: counts, from the fault
        w(20, 1_800, Outcome.ACKED));
    assertEquals(OptionalLong.of(1_500_000_000L), WriteSample.firstAckAfter(FAULT, applied, samples));
  }

  @Test
  void aWriteInvokedExactlyAtTheFaultCounts() {
    assertEquals(OptionalLong.of(2_000_000L), WriteSample.firstAckAfter(FAULT, List.of(w(0, 2, Outcome.ACKED))));
  }

  @Test
  void noFigureWhileOnlyEarlierWritesOrFailuresEnded() {
    assertTrue(WriteSample.firstAckAfter(FAULT, List.of()).isEmpty());
    assertTrue(WriteSample.firstAckAfter(FAULT, List.of(w(-1, 50, Outcome.ACKED), w(5, 60, Outcome.FAILED),
        w(6, 10_006, Outcome.TIMED_OUT))).isEmpty());
  }

  @Test
  void nanoTimeMayBeNegative() {
    long fault = -500;
    List<WriteSample> samples = List.of(new WriteSample(-600, -100, Outcome.ACKED), new WriteSample(-400, 300, Outcome.ACKED));
    assertEquals(OptionalLong.of(800), WriteSample.firstAckAfter(fault, samples));
  }

  @Test
  void outcomesAreCountedApart() {
    List<WriteSample> samples = List.of(w(0, 1, Outcome.ACKED), w(1, 2, Outcome.ACKED), w(2, 3, Outcome.FAILED),
        w(3, 10_003, Outcome.TIMED_OUT));
    assertEquals(2, WriteSample.count(samples, Outcome.ACKED));
    assertEquals(1, WriteSample.count(samples, Outcome.FAILED));
    assertEquals(1, WriteSample.count(samples, Outcome.TIMED_OUT));
  }
}
