package quorumkv.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The watch phase's bookkeeping: which events count, and latency from acknowledgement to arrival. */
class DeliveryLatenciesTest {

  @Test
  void handsOutEachPutOnceThenStops() {
    DeliveryLatencies d = new DeliveryLatencies(3);
    assertEquals(0, d.nextPut());
    assertEquals(1, d.nextPut());
    assertEquals(2, d.nextPut());
    assertEquals(-1, d.nextPut());
    assertEquals(-1, d.nextPut());
    assertThrows(IllegalArgumentException.class, () -> new DeliveryLatencies(0));
  }

  @Test
  void latencyRunsFromAckToArrivalAndAnEarlyEventCountsZero() {
    DeliveryLatencies d = new DeliveryLatencies(3);
    d.acked(0, 1_000);
    d.arrived(d.value(0, 1024), 4_000);      // 3 µs after the ack
    d.arrived(d.value(1, 1024), 5_000);      // before its ack
    d.acked(1, 9_000);
    d.acked(2, 10_000);
    d.arrived(d.value(2, 16), 10_500);
    assertTrue(d.caughtUp());
    DeliveryLatencies.Summary s = d.summary();
    assertEquals(3, s.acked());
    assertEquals(3, s.seen());
    assertEquals(1, s.early());
    assertArrayEquals(new long[] {0, 500, 3_000}, s.latenciesNanos());
    assertTrue(s.exact());
  }

  @Test
  void aMissingEventIsCountedAndKeepsItFromCatchingUp() {
    DeliveryLatencies d = new DeliveryLatencies(2);
    d.acked(0, 1);
    d.acked(1, 2);
    d.arrived(d.value(1, 100), 3);
    assertFalse(d.caughtUp());
    DeliveryLatencies.Summary s = d.summary();
    assertEquals(2, s.acked());
    assertEquals(1, s.seen());
    assertEquals(1, s.missing());
    assertFalse(s.exact());
  }

  @Test
  void repeatsForeignValuesAndEventsOfUnacknowledgedPutsAreKeptApart() {
    DeliveryLatencies d = new DeliveryLatencies(3);
    DeliveryLatencies other = new DeliveryLatencies(3);
    d.acked(0, 10);
    d.arrived(d.value(0, 32), 20);
    d.arrived(d.value(0, 32), 30);           // a repeat: the first arrival stands
    d.arrived(other.value(1, 32), 40);       // another measurement's put
    d.arrived(new byte[8], 50);              // too short to carry a tag
    d.arrived(new byte[32], 55);             // zeros: no nonce is 0
    d.arrived(d.value(2, 32), 60);           // a put that failed, yet was applied
    DeliveryLatencies.Summary s = d.summary();
    assertEquals(1, s.acked());
    assertEquals(1, s.seen());
    assertEquals(1, s.repeats());
    assertEquals(3, s.foreign());
    assertEquals(1, s.unacked());
    assertArrayEquals(new long[] {10}, s.latenciesNanos());
    assertFalse(s.exact());
  }

  @Test
  void aSecondAckDoesNotMoveTheFirst() {
    DeliveryLatencies d = new DeliveryLatencies(1);
    d.acked(0, 100);
    d.acked(0, 900);
    d.arrived(d.value(0, 16), 1_000);
    assertArrayEquals(new long[] {900}, d.summary().latenciesNanos());
  }

  @Test
  void valuesHaveTheAskedSizeButAlwaysRoomForTheTag() {
    DeliveryLatencies d = new DeliveryLatencies(1);
    assertEquals(1024, d.value(0, 1024).length);
    assertEquals(DeliveryLatencies.TAG_BYTES, d.value(0, 0).length);
  }
}
