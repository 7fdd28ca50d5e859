package quorumkv.linearizability.checker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import quorumkv.linearizability.checker.WatchChecker.Change;
import quorumkv.linearizability.checker.WatchChecker.WatchVerdict;
import quorumkv.linearizability.history.History;
import quorumkv.linearizability.history.HistoryRecorder.Invocation;

/** Each rule of {@link WatchChecker} refutes the recording that breaks it, and a faithful one passes. */
class WatchCheckerTest {
    /** a=1, then (overlapping) b=1 and cas a 1->2, an unknown write a=3, a failed write, a delete of b. */
    private static History history() {
        ScriptedHistory h = new ScriptedHistory();
        h.ok(h.write(0, "a", "1"));
        Invocation b = h.write(1, "b", "1");
        Invocation cas = h.cas(0, "a", "1", "2");
        h.ok(b).ok(cas);
        h.info(h.write(2, "a", "3"));
        h.fail(h.write(3, "a", "never"));
        h.ok(h.delete(1, "b"));
        return h.history();
    }

    private static final List<Change> FAITHFUL = List.of(new Change("a", "1", 10), new Change("b", "1", 11),
            new Change("a", "2", 12), new Change("a", "3", 13), new Change("b", null, 14));

    private static WatchVerdict check(List<Change> changes) {
        return WatchChecker.check(history(), changes, true);
    }

    private static List<Change> with(int index, Change replacement) {
        List<Change> c = new ArrayList<>(FAITHFUL);
        if (replacement == null) {
            c.remove(index);
        } else {
            c.set(index, replacement);
        }
        return c;
    }

    @Test
    void aFaithfulRecordingPassesAndAnUnknownWriteMayBeMissing() {
        assertTrue(check(FAITHFUL).ok(), check(FAITHFUL).summary());
        WatchVerdict withoutUnknown = check(with(3, null));
        assertTrue(withoutUnknown.ok(), withoutUnknown.summary());
    }

    @Test
    void aLostAcknowledgedWriteIsFoundOnlyOnceCaughtUp() {
        List<Change> lost = with(1, null);
        assertFalse(check(lost).ok());
        assertTrue(check(lost).violations().get(0).startsWith("lost"), check(lost).summary());
        assertTrue(WatchChecker.check(history(), lost, false).ok(), "not caught up: the loss cannot be told");
    }

    @Test
    void repeatsPhantomsAndFailedWritesAreFound() {
        List<Change> repeated = new ArrayList<>(FAITHFUL);
        repeated.add(2, new Change("b", "1", 11));
        assertFalse(check(repeated).ok(), "a repeat after a resume");
        assertFalse(check(with(3, new Change("a", "never", 13))).ok(), "a definitely failed write");
        assertFalse(check(with(3, new Change("a", "ghost", 13))).ok(), "a value nobody wrote");
        List<Change> extraDelete = new ArrayList<>(FAITHFUL);
        extraDelete.add(new Change("b", null, 15));
        assertFalse(check(extraDelete).ok(), "more deletes than happened");
    }

    @Test
    void revisionsGoingDownOrRealTimeReversedOrACasOutOfPlaceAreFound() {
        assertFalse(check(List.of(new Change("a", "1", 10), new Change("b", "1", 9), new Change("a", "2", 12),
                new Change("b", null, 14))).ok(), "revision went down");
        WatchVerdict swapped = check(List.of(new Change("a", "2", 10), new Change("b", "1", 11),
                new Change("a", "1", 12), new Change("b", null, 14)));
        assertFalse(swapped.ok());
        assertTrue(swapped.violations().stream().anyMatch(v -> v.startsWith("out of real-time order")), swapped.summary());
        assertTrue(swapped.violations().stream().anyMatch(v -> v.startsWith("cas")), swapped.summary());
        assertEquals(List.of(), check(FAITHFUL).violations());
    }
}
