package quorumkv.client.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class BackoffTest {
  private static final long MS = 1_000_000;

  @Test
  void capDoublesFromBaseUpToMax() {
    Backoff b = new Backoff(Duration.ofMillis(25), Duration.ofMillis(500), () -> 0.5);
    assertEquals(25 * MS, b.capNanos(0));
    assertEquals(50 * MS, b.capNanos(1));
    assertEquals(400 * MS, b.capNanos(4));
    assertEquals(500 * MS, b.capNanos(5));
    assertEquals(500 * MS, b.capNanos(1_000_000));
  }

  @Test
  void delayStaysInTheUpperHalfOfTheCap() {
    Backoff low = new Backoff(Duration.ofMillis(25), Duration.ofMillis(500), () -> 0.0);
    Backoff high = new Backoff(Duration.ofMillis(25), Duration.ofMillis(500), () -> Math.nextDown(1.0));
    Backoff random = new Backoff(Duration.ofMillis(25), Duration.ofMillis(500));
    for (int retry = 0; retry < 40; retry++) {
      long cap = low.capNanos(retry);
      assertEquals(cap / 2, low.delayNanos(retry));
      assertTrue(high.delayNanos(retry) <= cap && high.delayNanos(retry) >= cap - 1);
      for (int i = 0; i < 100; i++) {
        long d = random.delayNanos(retry);
        assertTrue(d >= cap / 2 && d <= cap, () -> "delay " + d + " outside [" + cap / 2 + ", " + cap + "]");
      }
    }
  }

  @Test
  void hugeSettingsDoNotOverflow() {
    Backoff b = new Backoff(Duration.ofDays(1000), Duration.ofDays(100_000), () -> 0.99);
    for (int retry = 0; retry < 200; retry++) {
      assertTrue(b.delayNanos(retry) > 0);
      assertTrue(b.capNanos(retry) <= Duration.ofDays(100_000).toNanos());
    }
  }
}
