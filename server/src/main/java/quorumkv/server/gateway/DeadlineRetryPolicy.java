package quorumkv.server.gateway;

import java.util.concurrent.TimeUnit;
import org.apache.ratis.retry.RetryPolicy;
import org.apache.ratis.util.TimeDuration;

/**
 * Retries a Ratis blocking call with a short pause until the calling thread's deadline: Ratis runs the
 * blocking API's retry loop on the caller's thread, so the deadline travels in a thread local that
 * {@link ClusterGateway} sets around each call. Ratis's default policy retries forever.
 */
final class DeadlineRetryPolicy implements RetryPolicy {
  private static final ThreadLocal<Long> DEADLINE = new ThreadLocal<>();
  private static final long PAUSE_MS = 100;

  static void setDeadline(long nanoTime) {
    DEADLINE.set(nanoTime);
  }

  static void clear() {
    DEADLINE.remove();
  }

  @Override
  public Action handleAttemptFailure(Event event) {
    Long deadline = DEADLINE.get();
    if (deadline == null || System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(PAUSE_MS) >= deadline) {
      return NO_RETRY_ACTION;
    }
    long pause = Math.min(PAUSE_MS * Math.max(1, event.getAttemptCount()), 500);
    return () -> TimeDuration.valueOf(pause, TimeUnit.MILLISECONDS);
  }

  @Override
  public String toString() {
    return "DeadlineRetryPolicy";
  }
}
