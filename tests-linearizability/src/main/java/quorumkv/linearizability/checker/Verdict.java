package quorumkv.linearizability.checker;

import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * The outcome of checking one history. {@link Kind#UNKNOWN} means the checker ran out of time
 * or memory budget; it proves nothing, and tests must treat it as a failure, never a pass.
 */
public final class Verdict {
    /** What the checker could establish. */
    public enum Kind {
        /** Some order of the operations respects real time and the model. */
        LINEARIZABLE,
        /** No such order exists; {@link #counterexample()} shows where the search got stuck. */
        NOT_LINEARIZABLE,
        /** The search was cut short; {@link #reason()} says why. */
        UNKNOWN
    }

    private final Kind kind;
    private final String model;
    private final int operations;
    private final int keys;
    private final Duration elapsed;
    private final Counterexample counterexample;
    private final String reason;

    private Verdict(Kind kind, String model, int operations, int keys, Duration elapsed,
                    Counterexample counterexample, String reason) {
        this.kind = kind;
        this.model = model;
        this.operations = operations;
        this.keys = keys;
        this.elapsed = elapsed;
        this.counterexample = counterexample;
        this.reason = reason;
    }

    static Verdict linearizable(String model, int operations, int keys, Duration elapsed) {
        return new Verdict(Kind.LINEARIZABLE, model, operations, keys, elapsed, null, null);
    }

    static Verdict notLinearizable(String model, int operations, int keys, Duration elapsed,
                                   Counterexample counterexample) {
        return new Verdict(Kind.NOT_LINEARIZABLE, model, operations, keys, elapsed,
                Objects.requireNonNull(counterexample, "counterexample"), null);
    }

    static Verdict unknown(String model, int operations, int keys, Duration elapsed, String reason) {
        return new Verdict(Kind.UNKNOWN, model, operations, keys, elapsed, null,
                Objects.requireNonNull(reason, "reason"));
    }

    /** What the checker established. */
    public Kind kind() {
        return kind;
    }

    /** True only for {@link Kind#LINEARIZABLE}; {@link Kind#UNKNOWN} is not a pass. */
    public boolean isLinearizable() {
        return kind == Kind.LINEARIZABLE;
    }

    /** The name of the model checked against. */
    public String model() {
        return model;
    }

    /** The number of operations in the history, including failed ones. */
    public int operations() {
        return operations;
    }

    /** The number of distinct keys in the history. */
    public int keys() {
        return keys;
    }

    /** How long the check took. */
    public Duration elapsed() {
        return elapsed;
    }

    /** Present exactly when the history is not linearizable. */
    public Optional<Counterexample> counterexample() {
        return Optional.ofNullable(counterexample);
    }

    /** Present exactly when the verdict is unknown: why the search stopped. */
    public Optional<String> reason() {
        return Optional.ofNullable(reason);
    }

    /** One line: kind, model, size and time. */
    public String summary() {
        return String.format(Locale.ROOT, "%s (model %s, %d operations on %d key%s, %.3f s)", kind, model,
                operations, keys, keys == 1 ? "" : "s", elapsed.toNanos() / 1e9);
    }

    /** The summary, then the counterexample or the reason, if any. */
    public String describe() {
        if (counterexample != null) {
            return summary() + "\n  " + counterexample.describe();
        }
        return reason != null ? summary() + "\n  " + reason + "\n" : summary() + "\n";
    }

    @Override
    public String toString() {
        return summary();
    }
}
