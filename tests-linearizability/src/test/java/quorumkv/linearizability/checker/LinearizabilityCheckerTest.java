package quorumkv.linearizability.checker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import quorumkv.linearizability.history.History;
import quorumkv.linearizability.history.HistoryRecorder.Invocation;

class LinearizabilityCheckerTest {

    @Test
    void anEmptyHistoryIsLinearizable() {
        Verdict verdict = new LinearizabilityChecker().check(History.of(List.of()), RegisterModel.KV);
        assertTrue(verdict.isLinearizable());
        assertEquals(0, verdict.operations());
    }

    @Test
    void runningOutOfTimeIsUnknownAndNotAPass() {
        ScriptedHistory h = new ScriptedHistory().writeNow(0, "k", "1").readNow(1, "k", "1");
        Verdict verdict = new LinearizabilityChecker(Duration.ZERO).check(h.history(), RegisterModel.KV);
        assertEquals(Verdict.Kind.UNKNOWN, verdict.kind());
        assertFalse(verdict.isLinearizable());
        assertTrue(verdict.reason().orElseThrow().startsWith("timed out"), verdict.describe());
        assertTrue(verdict.counterexample().isEmpty());
    }

    @Test
    void anOperationTheModelDoesNotKnowIsAnErrorNamingItsLine() {
        ScriptedHistory h = new ScriptedHistory().writeNow(0, "k", "1");
        h.ok(h.cas(0, "k", "1", "2"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> h.check(RegisterModel.KV_APPEND));
        assertEquals("model kv-append has no operation cas (line 3)", e.getMessage());
    }

    @Test
    void indeterminateReadsAndFailedOperationsConstrainNothing() {
        ScriptedHistory h = new ScriptedHistory().writeNow(0, "k", "1");
        h.info(h.read(1, "k"));
        h.read(2, "k"); // pending
        h.fail(h.write(3, "k", "never"));
        h.readNow(0, "k", "1");
        assertEquals(Verdict.Kind.LINEARIZABLE, h.check(RegisterModel.KV).kind());
    }

    @Test
    void aLongSequentialHistoryNeedsNoDeepRecursion() {
        ScriptedHistory h = new ScriptedHistory();
        for (int i = 0; i < 20_000; i++) {
            h.writeNow(i % 5, "k", Integer.toString(i)).readNow((i + 1) % 5, "k", Integer.toString(i));
        }
        Verdict verdict = assertTimeoutPreemptively(Duration.ofSeconds(20), () -> h.check(RegisterModel.KV));
        assertEquals(Verdict.Kind.LINEARIZABLE, verdict.kind(), verdict::describe);
        assertEquals(40_000, verdict.operations());
    }

    @Test
    void manyConcurrentTimedOutWritesStillCheckQuickly() {
        // Timed-out writes can be placed anywhere after their invoke; memoization keeps this small.
        ScriptedHistory h = new ScriptedHistory();
        for (int i = 0; i < 30; i++) {
            Invocation write = h.write(i, "k", Integer.toString(i % 3));
            h.info(write);
            h.readNow(100, "k", Integer.toString(i % 3));
        }
        Verdict verdict = assertTimeoutPreemptively(Duration.ofSeconds(20), () -> h.check(RegisterModel.KV));
        assertEquals(Verdict.Kind.LINEARIZABLE, verdict.kind(), verdict::describe);
    }

    @Test
    void theSummaryNamesVerdictModelSizeAndTime() {
        Verdict verdict = new ScriptedHistory().writeNow(0, "k", "1").check(RegisterModel.KV);
        assertTrue(verdict.summary().matches("LINEARIZABLE \\(model kv, 1 operations on 1 key, \\d+\\.\\d{3} s\\)"),
                verdict.summary());
    }
}
