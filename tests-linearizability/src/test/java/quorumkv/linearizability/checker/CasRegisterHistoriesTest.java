package quorumkv.linearizability.checker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import quorumkv.linearizability.history.HistoryRecorder.Invocation;

/** Small known-good and known-bad histories of the {@code cas-register} model. */
class CasRegisterHistoriesTest {
    private static final Model<?> MODEL = RegisterModel.CAS_REGISTER;

    @Test
    void readsFollowCompletedWrites() {
        ScriptedHistory h = new ScriptedHistory().readNow(0, "r", null).writeNow(1, "r", "1").readNow(0, "r", "1");
        assertLinearizable(h);
    }

    @Test
    void aStaleReadAfterACompletedWriteIsNotLinearizable() {
        ScriptedHistory h = new ScriptedHistory().writeNow(0, "r", "1").writeNow(1, "r", "2").readNow(2, "r", "1");
        Verdict verdict = assertNotLinearizable(h);
        Counterexample window = verdict.counterexample().orElseThrow();
        assertEquals("r", window.key());
        assertEquals(2, window.linearizedCount());
        assertEquals("\"2\"", window.stateAfter());
        assertEquals(4, window.blocked().invokeIndex(), "the stale read is the operation that cannot go next");
        assertTrue(verdict.describe().contains("p2 read \"r\" -> \"1\" ok (lines 5-6)"), verdict.describe());
    }

    @Test
    void aReadOfAValueNeverWrittenIsNotLinearizable() {
        assertNotLinearizable(new ScriptedHistory().readNow(0, "r", "0"));
    }

    @Test
    void aReadConcurrentWithAWriteMaySeeEitherValue() {
        for (String seen : new String[] {null, "1"}) {
            ScriptedHistory h = new ScriptedHistory();
            Invocation write = h.write(0, "r", "1");
            Invocation read = h.read(1, "r");
            h.returns(read, seen).ok(write);
            assertLinearizable(h);
        }
        ScriptedHistory h = new ScriptedHistory();
        Invocation write = h.write(0, "r", "1");
        h.readNow(1, "r", "2").ok(write);
        assertNotLinearizable(h);
    }

    @Test
    void concurrentWritesMayTakeEffectInEitherOrderButOnlyOne() {
        for (String last : new String[] {"1", "2"}) {
            ScriptedHistory h = new ScriptedHistory();
            Invocation one = h.write(0, "r", "1");
            Invocation two = h.write(1, "r", "2");
            h.ok(two).ok(one).readNow(2, "r", last).readNow(2, "r", last);
            assertLinearizable(h);
        }
        ScriptedHistory h = new ScriptedHistory();
        Invocation one = h.write(0, "r", "1");
        Invocation two = h.write(1, "r", "2");
        h.ok(one).ok(two).readNow(2, "r", "1").readNow(2, "r", "2");
        assertNotLinearizable(h);
    }

    @Test
    void anInfoWriteMayTakeEffectLongAfterItTimedOut() {
        ScriptedHistory h = new ScriptedHistory();
        h.info(h.write(0, "r", "1"));
        h.readNow(1, "r", null).readNow(1, "r", null).readNow(1, "r", "1").readNow(1, "r", "1");
        assertLinearizable(h);
    }

    @Test
    void anInfoWriteMayNeverTakeEffect() {
        ScriptedHistory h = new ScriptedHistory();
        h.info(h.write(0, "r", "1"));
        h.readNow(1, "r", null);
        assertLinearizable(h);
    }

    @Test
    void anInfoWriteTakesEffectAtMostOnce() {
        ScriptedHistory h = new ScriptedHistory();
        h.info(h.write(0, "r", "1"));
        h.readNow(1, "r", "1").writeNow(2, "r", "2").readNow(1, "r", "1");
        assertNotLinearizable(h);
    }

    @Test
    void anInfoWriteCannotTakeEffectBeforeItWasInvoked() {
        ScriptedHistory h = new ScriptedHistory().readNow(1, "r", "1");
        h.info(h.write(0, "r", "1"));
        assertNotLinearizable(h);
    }

    @Test
    void aPendingCasMaySwapLaterIfTheValueMatchesThen() {
        ScriptedHistory h = new ScriptedHistory().writeNow(0, "r", "1");
        h.cas(1, "r", "1", "2"); // never completes
        h.readNow(0, "r", "1").readNow(0, "r", "2");
        assertLinearizable(h);
        ScriptedHistory mismatch = new ScriptedHistory().writeNow(0, "r", "0");
        mismatch.info(mismatch.cas(1, "r", "1", "2"));
        mismatch.readNow(0, "r", "2");
        assertNotLinearizable(mismatch);
    }

    @Test
    void aSuccessfulCasNeedsTheExpectedValue() {
        ScriptedHistory good = new ScriptedHistory().writeNow(0, "r", "1");
        good.ok(good.cas(1, "r", "1", "2")).readNow(0, "r", "2");
        assertLinearizable(good);
        ScriptedHistory h = new ScriptedHistory().writeNow(0, "r", "1");
        h.ok(h.cas(1, "r", "0", "2"));
        assertNotLinearizable(h);
    }

    @Test
    void failedOperationsAreDroppedEvenACasThatWouldHaveMatched() {
        // Reading (b) of FORMAT.md: a failed cas had no effect and is left out entirely.
        ScriptedHistory h = new ScriptedHistory().writeNow(0, "r", "1");
        h.fail(h.cas(1, "r", "0", "5"));
        h.fail(h.cas(1, "r", "1", "5"));
        h.fail(h.read(2, "r"));
        h.readNow(2, "r", "1");
        assertLinearizable(h);
    }

    private static void assertLinearizable(ScriptedHistory h) {
        Verdict verdict = h.check(MODEL);
        assertEquals(Verdict.Kind.LINEARIZABLE, verdict.kind(), verdict::describe);
    }

    private static Verdict assertNotLinearizable(ScriptedHistory h) {
        Verdict verdict = h.check(MODEL);
        assertEquals(Verdict.Kind.NOT_LINEARIZABLE, verdict.kind(), verdict::describe);
        assertTrue(verdict.counterexample().isPresent());
        return verdict;
    }
}
