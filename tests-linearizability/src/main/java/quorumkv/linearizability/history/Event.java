package quorumkv.linearizability.history;

import java.util.Objects;
import java.util.OptionalLong;

/**
 * One line of a history: an invocation or a completion of an operation.
 *
 * <p>The constructor enforces the value shapes of FORMAT.md, so an {@code Event} that exists is
 * well formed on its own (whether it fits the events around it is checked by {@link History}):
 *
 * <table>
 *   <caption>Allowed {@code value} shapes</caption>
 *   <tr><th>kind</th><th>invoke</th><th>ok</th><th>fail / info</th></tr>
 *   <tr><td>read</td><td>null</td><td>string or null (absent)</td><td>null</td></tr>
 *   <tr><td>write, append</td><td>string</td><td>string</td><td>string</td></tr>
 *   <tr><td>cas</td><td>[expected or null, new]</td><td>same</td><td>same</td></tr>
 *   <tr><td>delete</td><td>null</td><td>null</td><td>null</td></tr>
 * </table>
 *
 * @param process the client issuing the operation (at most one open operation at a time)
 * @param type invoke or one of the completions
 * @param kind the operation (JSON field {@code f})
 * @param key the key operated on
 * @param value argument or result, shaped as in the table above
 * @param index 0-based position of this event in its history
 * @param timeNanos monotonic time ({@link System#nanoTime()}) when recorded, if known
 */
public record Event(int process, EventType type, OperationKind kind, String key, Value value,
                    long index, OptionalLong timeNanos) {

    /** @throws IllegalArgumentException if a field is out of range or the value has the wrong shape */
    public Event {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(value, "value");
        Objects.requireNonNull(timeNanos, "timeNanos");
        if (process < 0) {
            throw new IllegalArgumentException("process must be >= 0, was " + process);
        }
        if (index < 0) {
            throw new IllegalArgumentException("index must be >= 0, was " + index);
        }
        String shapeError = shapeError(type, kind, value);
        if (shapeError != null) {
            throw new IllegalArgumentException(shapeError);
        }
    }

    /** An event without a recorded time, as in the corpus files. */
    public Event(int process, EventType type, OperationKind kind, String key, Value value, long index) {
        this(process, type, kind, key, value, index, OptionalLong.empty());
    }

    private static String shapeError(EventType type, OperationKind kind, Value value) {
        boolean ok = switch (kind) {
            case READ -> value instanceof Value.Null || (type == EventType.OK && value instanceof Value.Text);
            case WRITE, APPEND -> value instanceof Value.Text;
            case CAS -> value instanceof Value.CasArgs;
            case DELETE -> value instanceof Value.Null;
        };
        if (ok) {
            return null;
        }
        String expected = switch (kind) {
            case READ -> type == EventType.OK ? "a string or null" : "null";
            case WRITE, APPEND -> "a string";
            case CAS -> "an array [expected or null, new]";
            case DELETE -> "null";
        };
        return "value of " + type.wireName() + " " + kind.wireName() + " must be " + expected
                + ", was " + value;
    }
}
