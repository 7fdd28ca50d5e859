package quorumkv.linearizability.history;

import java.util.Objects;

/**
 * The {@code value} field of an event: JSON {@code null}, a string, or the compare-and-set pair
 * {@code [expected, new]}. Which shape is allowed depends on the operation kind and event type
 * (see {@link Event}).
 */
public sealed interface Value permits Value.Null, Value.Text, Value.CasArgs {

    /** The JSON {@code null} value. */
    Value NULL = new Null();

    /** {@link #NULL} for a {@code null} argument, otherwise the string as a {@link Text}. */
    static Value of(String textOrNull) {
        return textOrNull == null ? NULL : new Text(textOrNull);
    }

    /** The compare-and-set argument {@code [expected, replacement]}. */
    static Value cas(String expectedOrNull, String replacement) {
        return new CasArgs(expectedOrNull, replacement);
    }

    /**
     * The string this value holds, {@code null} for {@link #NULL}.
     *
     * @throws IllegalStateException for a {@link CasArgs} pair, which is not a single string
     */
    String asString();

    /**
     * JSON {@code null}: no argument (read, delete), or as the result of a read, "the key is
     * absent".
     */
    record Null() implements Value {
        @Override
        public String asString() {
            return null;
        }

        @Override
        public String toString() {
            return "null";
        }
    }

    /** A string: the value written or appended, or the value a read returned. */
    record Text(String text) implements Value {
        /** Requires a non-null text; use {@link Value#of(String)} when it may be null. */
        public Text {
            Objects.requireNonNull(text, "text");
        }

        @Override
        public String asString() {
            return text;
        }

        @Override
        public String toString() {
            return Quoting.quote(text);
        }
    }

    /**
     * The argument of a compare-and-set: set the key to {@code replacement} if it currently holds
     * {@code expected}, where a {@code null} {@code expected} means the key must be absent.
     */
    record CasArgs(String expected, String replacement) implements Value {
        /** Requires a non-null replacement; absent keys are made with delete, not cas. */
        public CasArgs {
            Objects.requireNonNull(replacement, "replacement");
        }

        @Override
        public String asString() {
            throw new IllegalStateException("a cas argument is a pair, not a string: " + this);
        }

        @Override
        public String toString() {
            return "[" + (expected == null ? "null" : Quoting.quote(expected)) + ", "
                    + Quoting.quote(replacement) + "]";
        }
    }
}
