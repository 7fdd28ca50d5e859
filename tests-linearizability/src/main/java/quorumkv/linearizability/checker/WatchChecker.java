package quorumkv.linearizability.checker;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import quorumkv.linearizability.history.History;
import quorumkv.linearizability.history.Operation;
import quorumkv.linearizability.history.OperationKind;
import quorumkv.linearizability.history.Outcome;
import quorumkv.linearizability.history.Value;

/**
 * Judges what one watch delivered during a run against the run's history: the watch was opened before the
 * first operation on keys that start absent, and saw every change of the run if {@code caughtUp} (a marker
 * written after the last operation arrived). Written values are unique, so each put event names the
 * operation that wrote it.
 *
 * <p>The rules, each a way real watches have failed (jetcd's issues: watches that silently stop or skip
 * after a reconnect, events repeated on resume):
 * <ol>
 *   <li>in order: revisions never go down, and no key changes twice at one revision (no repeats);</li>
 *   <li>no phantoms: a put event's value was written by a write or cas on that key that did not
 *       definitely fail, and at most once; a key has no more delete events than deletes that may have
 *       applied;</li>
 *   <li>no loss: once caught up, every acknowledged write and successful cas is among the events;</li>
 *   <li>real time: of two acknowledged changes to a key, one completed before the other began shows
 *       first;</li>
 *   <li>the events are the store's own order: a successful cas's put follows the put of the value it
 *       expected (or, expecting absence, a delete or nothing).</li>
 * </ol>
 */
public final class WatchChecker {
    /** One delivered change, keys as in the history: {@code value} null for a delete. */
    public record Change(String key, String value, long revision) {}

    /** The judgement: no violations means the watch delivered exactly what happened. */
    public record WatchVerdict(boolean checked, boolean caughtUp, int changes, List<String> violations) {
        public static WatchVerdict notWatched() {
            return new WatchVerdict(false, false, 0, List.of());
        }

        public boolean ok() {
            return violations.isEmpty();
        }

        public String summary() {
            if (!checked) {
                return "no watch";
            }
            return (ok() ? "watch ok" : "WATCH VIOLATED (" + violations.size() + ")") + ": " + changes + " changes"
                    + (caughtUp ? ", caught up" : ", NOT caught up (loss not checked)")
                    + (ok() ? "" : "; first: " + violations.get(0));
        }
    }

    /** At most this many violations are listed. */
    private static final int MAX_LISTED = 20;

    private WatchChecker() {}

    public static WatchVerdict check(History history, List<Change> changes, boolean caughtUp) {
        List<String> violations = new ArrayList<>();
        Map<String, Operation> writerOf = new HashMap<>();   // value -> the write or cas that wrote it
        Map<String, Integer> deletesMayApply = new HashMap<>();
        for (Operation op : history.operations()) {
            String written = writtenValue(op);
            if (written != null) {
                writerOf.put(op.key() + "\u0000" + written, op);
            } else if (op.kind() == OperationKind.DELETE && op.outcome() != Outcome.FAIL) {
                deletesMayApply.merge(op.key(), 1, Integer::sum);
            }
        }
        // 1. order, no repeats
        long last = 0;
        Set<String> seenAtRevision = new HashSet<>();
        for (Change c : changes) {
            if (c.revision() < last) {
                add(violations, "revision went down: " + c + " after revision " + last);
            }
            if (c.revision() != last) {
                seenAtRevision.clear();
                last = Math.max(last, c.revision());
            }
            if (!seenAtRevision.add(c.key())) {
                add(violations, "key changed twice at one revision (a repeat): " + c);
            }
        }
        // 2. no phantoms; positions for 3-5
        Map<String, Integer> position = new HashMap<>();   // key+value -> index in changes
        Map<String, Integer> deletes = new HashMap<>();
        Map<String, List<Change>> byKey = new HashMap<>();
        for (int i = 0; i < changes.size(); i++) {
            Change c = changes.get(i);
            byKey.computeIfAbsent(c.key(), k -> new ArrayList<>()).add(c);
            if (c.value() == null) {
                int n = deletes.merge(c.key(), 1, Integer::sum);
                if (n > deletesMayApply.getOrDefault(c.key(), 0)) {
                    add(violations, "more delete events of " + c.key() + " than deletes that may have applied: " + c);
                }
                continue;
            }
            String id = c.key() + "\u0000" + c.value();
            Operation writer = writerOf.get(id);
            if (writer == null) {
                add(violations, "phantom: no write or cas that may have applied wrote " + c);
            } else if (position.putIfAbsent(id, i) != null) {
                add(violations, "delivered twice: " + c);
            }
        }
        // 3. no loss
        if (caughtUp) {
            for (Map.Entry<String, Operation> e : writerOf.entrySet()) {
                if (e.getValue().outcome() == Outcome.OK && !position.containsKey(e.getKey())) {
                    add(violations, "lost: the acknowledged " + e.getValue().describe() + " is not among the events");
                }
            }
        }
        // 4. real time among acknowledged changes of one key
        Map<String, List<Operation>> acked = new HashMap<>();
        for (Map.Entry<String, Operation> e : writerOf.entrySet()) {
            if (e.getValue().outcome() == Outcome.OK && position.containsKey(e.getKey())) {
                acked.computeIfAbsent(e.getValue().key(), k -> new ArrayList<>()).add(e.getValue());
            }
        }
        for (List<Operation> ops : acked.values()) {
            ops.sort((a, b) -> Long.compare(a.completeIndex(), b.completeIndex()));
            // An op's event must come after the events of every op that completed before it began.
            int latestBefore = -1;
            Operation latestOp = null;
            List<Operation> byInvoke = new ArrayList<>(ops);
            byInvoke.sort((a, b) -> Long.compare(a.invokeIndex(), b.invokeIndex()));
            int j = 0;
            for (Operation op : byInvoke) {
                while (j < ops.size() && ops.get(j).completeIndex() < op.invokeIndex()) {
                    int p = position.get(ops.get(j).key() + "\u0000" + writtenValue(ops.get(j)));
                    if (p > latestBefore) {
                        latestBefore = p;
                        latestOp = ops.get(j);
                    }
                    j++;
                }
                int mine = position.get(op.key() + "\u0000" + writtenValue(op));
                if (latestOp != null && mine < latestBefore) {
                    add(violations, "out of real-time order: " + op.describe() + " shows before "
                            + latestOp.describe() + ", which completed before it began");
                }
            }
        }
        // 5. a successful cas follows the value it expected
        for (List<Change> keyChanges : byKey.values()) {
            for (int i = 0; i < keyChanges.size(); i++) {
                Change c = keyChanges.get(i);
                if (c.value() == null) {
                    continue;
                }
                Operation writer = writerOf.get(c.key() + "\u0000" + c.value());
                if (writer == null || writer.kind() != OperationKind.CAS) {
                    continue;
                }
                String expected = ((Value.CasArgs) writer.input()).expected();
                Change before = i == 0 ? null : keyChanges.get(i - 1);
                boolean fits = expected == null ? before == null || before.value() == null
                        : before != null && expected.equals(before.value());
                if (!fits) {
                    add(violations, "cas " + writer.describe() + " applied after " + (before == null ? "nothing" : before)
                            + ", not after the value it expected");
                }
            }
        }
        return new WatchVerdict(true, caughtUp, changes.size(), List.copyOf(violations));
    }

    /** The value a write or cas writes; null for other kinds and for definitely failed ones. */
    private static String writtenValue(Operation op) {
        if (op.outcome() == Outcome.FAIL) {
            return null;
        }
        if (op.kind() == OperationKind.WRITE && op.input() instanceof Value.Text t) {
            return t.text();
        }
        if (op.kind() == OperationKind.CAS && op.input() instanceof Value.CasArgs cas) {
            return cas.replacement();
        }
        return null;
    }

    private static void add(List<String> violations, String v) {
        if (violations.size() < MAX_LISTED) {
            violations.add(v);
        }
    }
}
