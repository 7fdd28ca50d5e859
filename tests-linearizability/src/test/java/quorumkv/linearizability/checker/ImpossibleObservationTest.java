package quorumkv.linearizability.checker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import quorumkv.linearizability.history.HistoryRecorder.Invocation;

/**
 * The refutation tried before the search: an observation no order could produce ends the check
 * at once, where the search alone would try every order first (CI at 5ebe859 timed out after
 * 20 s on 44 operations of one key whose read saw a value never written).
 */
class ImpossibleObservationTest {
    private static final int INDETERMINATE_WRITES = 40;

    @Test
    void aReadOfAValueNeverWrittenBehindManyIndeterminateWritesIsRefutedAtOnce() {
        ScriptedHistory h = new ScriptedHistory();
        for (int p = 0; p < INDETERMINATE_WRITES; p++) {
            h.info(h.write(p, "r", "v" + p));
        }
        h.readNow(INDETERMINATE_WRITES, "r", "never");
        // 2^40 subsets of the writes would each be tried by the search alone; 5 s is slack.
        Verdict verdict = new LinearizabilityChecker(Duration.ofSeconds(5)).check(h.history(), RegisterModel.KV);
        assertEquals(Verdict.Kind.NOT_LINEARIZABLE, verdict.kind(), verdict::describe);
        Counterexample window = verdict.counterexample().orElseThrow();
        assertEquals("r", window.key());
        assertEquals(2 * INDETERMINATE_WRITES, window.blocked().invokeIndex(), "event index: each write has an invoke and an info line");
        assertTrue(verdict.describe().contains("none leaves the value this operation observed"), verdict.describe());
    }

    @Test
    void aSwapThatSawAValueNeverWrittenIsRefuted() {
        ScriptedHistory h = new ScriptedHistory().writeNow(0, "r", "1");
        h.ok(h.cas(1, "r", "7", "8"));
        assertEquals(Verdict.Kind.NOT_LINEARIZABLE, h.check(RegisterModel.CAS_REGISTER).kind());
    }

    @Test
    void valuesAnOperationCouldLeaveAreNotRefuted() {
        // Each observation below is possible in some order, so the pre-check must let it through.
        ScriptedHistory swapped = new ScriptedHistory();
        Invocation swap = swapped.cas(0, "r", null, "s");
        swapped.info(swap).readNow(1, "r", "s");
        assertEquals(Verdict.Kind.LINEARIZABLE, swapped.check(RegisterModel.KV).kind());

        ScriptedHistory deleted = new ScriptedHistory().writeNow(0, "r", "1");
        deleted.info(deleted.delete(1, "r"));
        deleted.readNow(2, "r", null);
        assertEquals(Verdict.Kind.LINEARIZABLE, deleted.check(RegisterModel.KV).kind());

        ScriptedHistory appended = new ScriptedHistory();
        appended.ok(appended.append(0, "r", "a"));
        appended.info(appended.append(1, "r", "b"));
        appended.readNow(2, "r", "ab");
        assertEquals(Verdict.Kind.LINEARIZABLE, appended.check(RegisterModel.KV_APPEND).kind());
    }

    @Test
    void aFailedWriteLeavesNothingToRead() {
        ScriptedHistory h = new ScriptedHistory();
        h.fail(h.write(0, "r", "1"));
        h.readNow(1, "r", "1");
        assertEquals(Verdict.Kind.NOT_LINEARIZABLE, h.check(RegisterModel.KV).kind());
    }
}
