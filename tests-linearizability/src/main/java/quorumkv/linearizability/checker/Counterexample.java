package quorumkv.linearizability.checker;

import java.util.List;
import quorumkv.linearizability.history.Operation;

/**
 * Where the search for a linearization of one key got furthest before it failed: the last
 * operations of the longest order it could build, the state they lead to, the operation that
 * returned before it could be placed after them, and the other operations still open then.
 *
 * <p>The real cause may lie earlier (a different order of earlier operations might have worked
 * if the history had been different), but this window is where a person should start looking.
 *
 * @param key the key whose sub-history is not linearizable
 * @param operationCount how many operations of that key were searched (failed ones are dropped)
 * @param linearizedCount how many of them the longest partial order holds
 * @param lastLinearized the last few operations of that order, oldest first
 * @param stateAfter the model state after that order, described for people
 * @param blocked the operation that returned without fitting after that order
 * @param alsoOpen other operations invoked before {@code blocked} returned and not yet placed
 */
public record Counterexample(String key, int operationCount, int linearizedCount,
                             List<Operation> lastLinearized, String stateAfter, Operation blocked,
                             List<Operation> alsoOpen) {

    /** Copies the lists so the record is immutable. */
    public Counterexample {
        lastLinearized = List.copyOf(lastLinearized);
        alsoOpen = List.copyOf(alsoOpen);
    }

    /** A few indented lines for people (line numbers count from 1). */
    public String describe() {
        StringBuilder text = new StringBuilder();
        text.append("key ").append(quote(key)).append(": no valid order. The longest valid order found places ")
                .append(linearizedCount).append(" of the key's ").append(operationCount).append(" checked operations");
        if (lastLinearized.isEmpty()) {
            text.append(" (none).\n");
        } else {
            text.append(", ending with:\n");
            if (linearizedCount > lastLinearized.size()) {
                text.append("    ... ").append(linearizedCount - lastLinearized.size()).append(" earlier\n");
            }
            lastLinearized.forEach(op -> text.append("    ").append(op.describe()).append('\n'));
        }
        text.append("  State then: ").append(stateAfter)
                .append(". From there, no order places this operation before it returned:\n");
        text.append("    ").append(blocked.describe()).append('\n');
        if (!alsoOpen.isEmpty()) {
            text.append("  Other operations open then (invoked before that return, not yet placed):\n");
            alsoOpen.forEach(op -> text.append("    ").append(op.describe()).append('\n'));
        }
        return text.toString();
    }

    private static String quote(String key) {
        return "\"" + key.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
}
