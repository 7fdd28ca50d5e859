package quorumkv.linearizability.checker;

import java.time.Duration;

/** A point in {@link System#nanoTime()} time after which a search gives up. */
final class Deadline {
    private final long startNanos;
    private final long budgetNanos;

    private Deadline(long startNanos, long budgetNanos) {
        this.startNanos = startNanos;
        this.budgetNanos = budgetNanos;
    }

    /** A deadline {@code budget} from now; very long budgets saturate instead of overflowing. */
    static Deadline after(Duration budget) {
        long nanos;
        try {
            nanos = budget.toNanos();
        } catch (ArithmeticException tooLong) {
            nanos = Long.MAX_VALUE;
        }
        return new Deadline(System.nanoTime(), Math.max(0, nanos));
    }

    /** Compared as an elapsed time, which stays correct when nanoTime wraps around. */
    boolean hasPassed() {
        return System.nanoTime() - startNanos >= budgetNanos;
    }

    Duration elapsed() {
        return Duration.ofNanos(System.nanoTime() - startNanos);
    }
}
