package quorumkv.linearizability.checker;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import quorumkv.linearizability.history.Operation;
import quorumkv.linearizability.history.Outcome;

/**
 * The calls and returns of one key's operations as a doubly-linked list in history order, as in
 * Wing and Gong's algorithm. Linearizing an operation unlinks ("lifts") its call and return;
 * backtracking relinks them. Because lifts are undone strictly in reverse order (the search's
 * stack), each entry's own {@code prev} and {@code next} still point to the right neighbours
 * when it is relinked, so both operations are O(1).
 */
final class EntryList {
    private final Entry head = new Entry(null, -1, false, -1);

    /** Builds the list; operation {@code i} of {@code operations} gets bit {@code i}. */
    EntryList(List<Operation> operations) {
        List<Entry> entries = new ArrayList<>(2 * operations.size());
        for (int id = 0; id < operations.size(); id++) {
            Operation op = operations.get(id);
            Entry call = new Entry(op, id, true, op.invokeIndex());
            entries.add(call);
            if (op.outcome() == Outcome.OK) {
                Entry ret = new Entry(op, id, false, op.completeIndex());
                call.match = ret;
                ret.match = call;
                entries.add(ret);
            } else if (op.outcome() != Outcome.INFO && op.outcome() != Outcome.PENDING) {
                throw new IllegalArgumentException("only ok and indeterminate operations are searched: " + op.describe());
            }
        }
        entries.sort(Comparator.comparingLong(entry -> entry.position));
        Entry last = head;
        for (Entry entry : entries) {
            last.next = entry;
            entry.prev = last;
            last = entry;
        }
    }

    /** The first entry not lifted, or {@code null} if every entry is lifted. */
    Entry first() {
        return head.next;
    }

    /** Unlinks a call and its return. */
    void lift(Entry call) {
        unlink(call);
        if (call.match != null) {
            unlink(call.match);
        }
    }

    /** Relinks a call and its return; must undo the latest {@link #lift} not yet undone. */
    void unlift(Entry call) {
        if (call.match != null) {
            relink(call.match);
        }
        relink(call);
    }

    private static void unlink(Entry entry) {
        entry.prev.next = entry.next;
        if (entry.next != null) {
            entry.next.prev = entry.prev;
        }
    }

    private static void relink(Entry entry) {
        entry.prev.next = entry;
        if (entry.next != null) {
            entry.next.prev = entry;
        }
    }
}
