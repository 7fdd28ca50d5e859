package quorumkv.linearizability.history;

/** How an operation ended, which decides how a checker may place it. */
public enum Outcome {
    /** Took effect exactly once between its invoke and its completion. */
    OK,
    /** Definitely had no effect (for cas: the comparison failed). */
    FAIL,
    /** Indeterminate: may take effect at any instant after its invoke, or never. */
    INFO,
    /** Never completed; treated exactly like {@link #INFO}. */
    PENDING;

    /** Whether the operation's completion time is unknown, i.e. "at infinity". */
    public boolean isIndeterminate() {
        return this == INFO || this == PENDING;
    }
}
