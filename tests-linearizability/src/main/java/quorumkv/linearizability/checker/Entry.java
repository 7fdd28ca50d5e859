package quorumkv.linearizability.checker;

import quorumkv.linearizability.history.Operation;

/**
 * A node of the {@link EntryList}: the call or the return of one operation. Indeterminate
 * operations have a call but no return entry (their return is "at infinity").
 */
final class Entry {
    /** The operation; {@code null} only for the list's head sentinel. */
    final Operation op;
    /** The operation's bit in the set of linearized operations. */
    final int id;
    final boolean isCall;
    /** Position in the history, which orders the list. */
    final long position;
    /** For a call, its return entry ({@code null} if indeterminate); for a return, its call. */
    Entry match;
    Entry prev;
    Entry next;

    Entry(Operation op, int id, boolean isCall, long position) {
        this.op = op;
        this.id = id;
        this.isCall = isCall;
        this.position = position;
    }
}
