package quorumkv.linearizability.checker;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import quorumkv.linearizability.history.HistoryRecorder.Invocation;

/** Small known-good and known-bad histories of QuorumKV's own {@code kv} model. */
class KvHistoriesTest {
    private static final Model<?> MODEL = RegisterModel.KV;

    @Test
    void aDeletedKeyReadsAsAbsent() {
        ScriptedHistory h = new ScriptedHistory().writeNow(0, "k", "1");
        h.ok(h.delete(0, "k")).readNow(1, "k", null);
        assertKind(Verdict.Kind.LINEARIZABLE, h);
        ScriptedHistory stale = new ScriptedHistory().writeNow(0, "k", "1");
        stale.ok(stale.delete(0, "k")).readNow(1, "k", "1");
        assertKind(Verdict.Kind.NOT_LINEARIZABLE, stale);
    }

    @Test
    void aCasExpectingAbsentSucceedsOnlyOnAnAbsentKey() {
        ScriptedHistory create = new ScriptedHistory();
        create.ok(create.cas(0, "k", null, "new")).readNow(1, "k", "new");
        assertKind(Verdict.Kind.LINEARIZABLE, create);
        ScriptedHistory recreate = new ScriptedHistory().writeNow(0, "k", "1");
        recreate.ok(recreate.delete(0, "k")).ok(recreate.cas(0, "k", null, "2")).readNow(1, "k", "2");
        assertKind(Verdict.Kind.LINEARIZABLE, recreate);
        ScriptedHistory present = new ScriptedHistory().writeNow(0, "k", "1");
        present.ok(present.cas(0, "k", null, "2"));
        assertKind(Verdict.Kind.NOT_LINEARIZABLE, present);
    }

    @Test
    void aDeleteConcurrentWithAWriteMayGoEitherWay() {
        for (String seen : new String[] {null, "1"}) {
            ScriptedHistory h = new ScriptedHistory().writeNow(0, "k", "0");
            Invocation delete = h.delete(0, "k");
            Invocation write = h.write(1, "k", "1");
            h.ok(write).ok(delete).readNow(2, "k", seen).readNow(2, "k", seen);
            assertKind(Verdict.Kind.LINEARIZABLE, h);
        }
        ScriptedHistory h = new ScriptedHistory().writeNow(0, "k", "0");
        Invocation delete = h.delete(0, "k");
        Invocation write = h.write(1, "k", "1");
        h.ok(write).ok(delete).readNow(2, "k", "0");
        assertKind(Verdict.Kind.NOT_LINEARIZABLE, h);
    }

    @Test
    void anInfoDeleteMayTakeEffectLateOrNever() {
        ScriptedHistory h = new ScriptedHistory().writeNow(0, "k", "1");
        h.info(h.delete(0, "k"));
        h.readNow(1, "k", "1").readNow(1, "k", null);
        assertKind(Verdict.Kind.LINEARIZABLE, h);
        ScriptedHistory back = new ScriptedHistory().writeNow(0, "k", "1");
        back.info(back.delete(0, "k"));
        back.readNow(1, "k", null).readNow(1, "k", "1");
        assertKind(Verdict.Kind.NOT_LINEARIZABLE, back);
    }

    @Test
    void aStaleReadOnOneKeyFailsTheHistoryAndIsShownWithItsKey() {
        ScriptedHistory h = new ScriptedHistory();
        for (int i = 0; i < 20; i++) {
            h.writeNow(i % 3, "good", Integer.toString(i)).readNow(3, "good", Integer.toString(i));
        }
        h.writeNow(0, "bad", "old").writeNow(1, "bad", "new").readNow(2, "bad", "old");
        Verdict verdict = assertKind(Verdict.Kind.NOT_LINEARIZABLE, h);
        Counterexample window = verdict.counterexample().orElseThrow();
        assertEquals("bad", window.key());
        assertEquals("\"old\"", window.blocked().output().toString());
    }

    private static Verdict assertKind(Verdict.Kind expected, ScriptedHistory h) {
        Verdict verdict = h.check(MODEL);
        assertEquals(expected, verdict.kind(), verdict::describe);
        return verdict;
    }
}
