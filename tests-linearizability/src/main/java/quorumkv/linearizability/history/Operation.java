package quorumkv.linearizability.history;

import java.util.OptionalLong;

/**
 * An invocation paired with its completion.
 *
 * @param process the client that issued it
 * @param kind what it does
 * @param key the key it operates on
 * @param input the value of its invoke event
 * @param output the value of its completion event ({@link Value#NULL} when pending); for an
 *     {@code ok} read the value read, for other kinds equal to {@code input}
 * @param outcome how it ended
 * @param invokeIndex position of the invoke event in the history
 * @param completeIndex position of the completion event, or {@link #NO_COMPLETION} when pending
 * @param invokeNanos recorded time of the invoke event, if known
 * @param completeNanos recorded time of the completion event, if known
 */
public record Operation(int process, OperationKind kind, String key, Value input, Value output,
                        Outcome outcome, long invokeIndex, long completeIndex,
                        OptionalLong invokeNanos, OptionalLong completeNanos) {

    /** The {@link #completeIndex()} of a pending operation. */
    public static final long NO_COMPLETION = -1;

    /** One line for people, e.g. {@code p3 cas "r" ["3", "0"] fail (lines 19-22)}; lines count from 1. */
    public String describe() {
        StringBuilder text = new StringBuilder()
                .append('p').append(process).append(' ').append(kind.wireName())
                .append(' ').append(Quoting.quote(key));
        if (kind == OperationKind.READ) {
            text.append(outcome == Outcome.OK ? " -> " + output : "");
        } else if (kind != OperationKind.DELETE) {
            text.append(' ').append(input);
        }
        text.append(' ').append(outcome.name().toLowerCase(java.util.Locale.ROOT))
                .append(completeIndex == NO_COMPLETION ? " (line " : " (lines ").append(invokeIndex + 1);
        if (completeIndex != NO_COMPLETION) {
            text.append('-').append(completeIndex + 1);
        }
        return text.append(')').toString();
    }
}
