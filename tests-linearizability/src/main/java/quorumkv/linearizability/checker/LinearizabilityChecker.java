package quorumkv.linearizability.checker;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import quorumkv.linearizability.history.History;
import quorumkv.linearizability.history.Operation;
import quorumkv.linearizability.history.OperationKind;
import quorumkv.linearizability.history.Outcome;

/**
 * Decides whether a history is linearizable with respect to a {@link Model}, key by key, within
 * a time budget. See the package documentation for how each kind of completion is treated.
 *
 * <pre>{@code
 * Verdict verdict = new LinearizabilityChecker(Duration.ofSeconds(20)).check(history, RegisterModel.KV);
 * if (!verdict.isLinearizable()) fail(verdict.describe());   // UNKNOWN fails too
 * }</pre>
 */
public final class LinearizabilityChecker {
    /** The budget of {@link #LinearizabilityChecker()}. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);
    /**
     * Explored configurations kept per key before giving up with {@link Verdict.Kind#UNKNOWN};
     * each costs roughly 100 bytes plus 4 per concurrent or indeterminate operation.
     */
    public static final long MAX_STATES_PER_KEY = 5_000_000;

    private final Duration timeout;

    /** A checker with the {@link #DEFAULT_TIMEOUT}. */
    public LinearizabilityChecker() {
        this(DEFAULT_TIMEOUT);
    }

    /** A checker that answers {@link Verdict.Kind#UNKNOWN} when a check takes longer than {@code timeout}. */
    public LinearizabilityChecker(Duration timeout) {
        if (timeout.isNegative()) {
            throw new IllegalArgumentException("timeout must not be negative: " + timeout);
        }
        this.timeout = timeout;
    }

    /**
     * Checks the history against the model.
     *
     * @throws IllegalArgumentException if the history has an operation the model does not
     *     support, naming its line
     */
    public <S> Verdict check(History history, Model<S> model) {
        Objects.requireNonNull(model, "model");
        Deadline deadline = Deadline.after(timeout);
        Map<String, List<Operation>> byKey = searchedOperationsByKey(history, model);
        int operations = history.operations().size();
        int keys = (int) history.operations().stream().map(Operation::key).distinct().count();
        // Small keys first: a violation on a small key is found quickly whatever the others hold.
        List<Map.Entry<String, List<Operation>>> ordered = new ArrayList<>(byKey.entrySet());
        ordered.sort(Comparator.comparingInt(entry -> entry.getValue().size()));
        int keysDone = 0;
        for (Map.Entry<String, List<Operation>> entry : ordered) {
            Operation impossible = model.impossibleObservation(entry.getValue());
            if (impossible != null) {
                return Verdict.notLinearizable(model.name(), operations, keys, deadline.elapsed(),
                        new Counterexample(entry.getKey(), entry.getValue().size(), 0, List.of(),
                                "any order of them: none leaves the value this operation observed",
                                impossible, List.of()));
            }
        }
        for (Map.Entry<String, List<Operation>> entry : ordered) {
            WglSearch.Result result = new WglSearch<>(model, entry.getKey(), entry.getValue(), deadline,
                    MAX_STATES_PER_KEY).run();
            switch (result.ending()) {
                case LINEARIZABLE -> keysDone++;
                case NOT_LINEARIZABLE -> {
                    return Verdict.notLinearizable(model.name(), operations, keys, deadline.elapsed(),
                            result.counterexample());
                }
                case TIMED_OUT, TOO_MANY_STATES -> {
                    String why = result.ending() == WglSearch.Ending.TIMED_OUT
                            ? "timed out after " + timeout.toMillis() / 1000.0 + " s"
                            : "gave up after " + MAX_STATES_PER_KEY + " explored states";
                    return Verdict.unknown(model.name(), operations, keys, deadline.elapsed(),
                            why + " on key \"" + entry.getKey() + "\" (" + entry.getValue().size()
                                    + " operations, " + result.statesExplored() + " states explored; "
                                    + keysDone + " of " + byKey.size() + " keys done)");
                }
            }
        }
        return Verdict.linearizable(model.name(), operations, keys, deadline.elapsed());
    }

    /**
     * Groups the operations the search must consider by key, in invoke order: {@code ok} ones
     * and indeterminate ones, except indeterminate reads, which observed nothing and change
     * nothing. Failed operations had no effect and are left out.
     */
    private static Map<String, List<Operation>> searchedOperationsByKey(History history, Model<?> model) {
        Map<String, List<Operation>> byKey = new LinkedHashMap<>();
        for (Operation op : history.operations()) {
            if (!model.supports(op.kind())) {
                throw new IllegalArgumentException("model " + model.name() + " has no operation "
                        + op.kind().wireName() + " (line " + (op.invokeIndex() + 1) + ")");
            }
            boolean searched = op.outcome() == Outcome.OK
                    || (op.outcome().isIndeterminate() && op.kind() != OperationKind.READ);
            if (searched) {
                byKey.computeIfAbsent(op.key(), key -> new ArrayList<>()).add(op);
            }
        }
        return byKey;
    }
}
