package quorumkv.linearizability.checker;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import quorumkv.linearizability.history.HistoryRecorder.Invocation;

/** Small known-good and known-bad histories of the {@code kv-append} model. */
class KvAppendHistoriesTest {
    private static final Model<?> MODEL = RegisterModel.KV_APPEND;

    @Test
    void keysStartEmptyNotAbsent() {
        assertKind(Verdict.Kind.LINEARIZABLE, new ScriptedHistory().readNow(0, "a", ""));
        assertKind(Verdict.Kind.NOT_LINEARIZABLE, new ScriptedHistory().readNow(0, "a", null));
    }

    @Test
    void sequentialAppendsConcatenateInOrder() {
        ScriptedHistory h = new ScriptedHistory();
        h.ok(h.append(0, "a", "x")).ok(h.append(0, "a", "y")).readNow(1, "a", "xy");
        assertKind(Verdict.Kind.LINEARIZABLE, h);
        ScriptedHistory swapped = new ScriptedHistory();
        swapped.ok(swapped.append(0, "a", "x")).ok(swapped.append(0, "a", "y")).readNow(1, "a", "yx");
        assertKind(Verdict.Kind.NOT_LINEARIZABLE, swapped);
    }

    @Test
    void concurrentAppendsMayLandInEitherOrderButBothLand() {
        for (String seen : new String[] {"xy", "yx"}) {
            assertKind(Verdict.Kind.LINEARIZABLE, concurrentAppendsThenRead(seen));
        }
        assertKind(Verdict.Kind.NOT_LINEARIZABLE, concurrentAppendsThenRead("x"));
    }

    @Test
    void aWriteReplacesWhatWasAppended() {
        ScriptedHistory h = new ScriptedHistory();
        h.ok(h.append(0, "a", "x")).writeNow(1, "a", "w").ok(h.append(0, "a", "z")).readNow(1, "a", "wz");
        assertKind(Verdict.Kind.LINEARIZABLE, h);
    }

    @Test
    void keysAreCheckedIndependentlyAndTheBadOneIsNamed() {
        ScriptedHistory h = new ScriptedHistory();
        h.ok(h.append(0, "a", "x")).ok(h.append(0, "b", "y")).readNow(1, "a", "x").readNow(1, "b", "");
        Verdict verdict = assertKind(Verdict.Kind.NOT_LINEARIZABLE, h);
        assertEquals("b", verdict.counterexample().orElseThrow().key());
        assertEquals(2, verdict.keys());
    }

    @Test
    void anInfoAppendMayLandLateOrNever() {
        ScriptedHistory late = new ScriptedHistory();
        late.info(late.append(0, "a", "x"));
        late.readNow(1, "a", "").ok(late.append(1, "a", "y")).readNow(1, "a", "yx");
        assertKind(Verdict.Kind.LINEARIZABLE, late);
        ScriptedHistory never = new ScriptedHistory();
        never.info(never.append(0, "a", "x"));
        never.ok(never.append(1, "a", "y")).readNow(1, "a", "y");
        assertKind(Verdict.Kind.LINEARIZABLE, never);
        ScriptedHistory twice = new ScriptedHistory();
        twice.info(twice.append(0, "a", "x"));
        twice.readNow(1, "a", "xx");
        assertKind(Verdict.Kind.NOT_LINEARIZABLE, twice);
    }

    private static ScriptedHistory concurrentAppendsThenRead(String seen) {
        ScriptedHistory h = new ScriptedHistory();
        Invocation x = h.append(0, "a", "x");
        Invocation y = h.append(1, "a", "y");
        return h.ok(x).ok(y).readNow(2, "a", seen);
    }

    private static Verdict assertKind(Verdict.Kind expected, ScriptedHistory h) {
        Verdict verdict = h.check(MODEL);
        assertEquals(expected, verdict.kind(), verdict::describe);
        return verdict;
    }
}
