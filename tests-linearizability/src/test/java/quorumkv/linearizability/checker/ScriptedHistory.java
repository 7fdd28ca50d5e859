package quorumkv.linearizability.checker;

import java.time.Duration;
import quorumkv.linearizability.history.History;
import quorumkv.linearizability.history.HistoryRecorder;
import quorumkv.linearizability.history.HistoryRecorder.Invocation;
import quorumkv.linearizability.history.OperationKind;
import quorumkv.linearizability.history.Value;

/** Hand-written histories for tests: invoke and complete operations in the order written. */
final class ScriptedHistory {
    private final HistoryRecorder recorder = new HistoryRecorder();

    Invocation read(int process, String key) {
        return recorder.invoke(process, OperationKind.READ, key, Value.NULL);
    }

    Invocation write(int process, String key, String value) {
        return recorder.invoke(process, OperationKind.WRITE, key, Value.of(value));
    }

    Invocation append(int process, String key, String value) {
        return recorder.invoke(process, OperationKind.APPEND, key, Value.of(value));
    }

    Invocation cas(int process, String key, String expected, String replacement) {
        return recorder.invoke(process, OperationKind.CAS, key, Value.cas(expected, replacement));
    }

    Invocation delete(int process, String key) {
        return recorder.invoke(process, OperationKind.DELETE, key, Value.NULL);
    }

    /** Completes a write, append, cas or delete successfully. */
    ScriptedHistory ok(Invocation invocation) {
        recorder.ok(invocation);
        return this;
    }

    /** Completes a read that returned {@code value} ({@code null}: key absent). */
    ScriptedHistory returns(Invocation read, String value) {
        recorder.ok(read, Value.of(value));
        return this;
    }

    ScriptedHistory fail(Invocation invocation) {
        recorder.fail(invocation);
        return this;
    }

    ScriptedHistory info(Invocation invocation) {
        recorder.info(invocation);
        return this;
    }

    /** A read by {@code process} that starts and ends now, returning {@code value}. */
    ScriptedHistory readNow(int process, String key, String value) {
        return returns(read(process, key), value);
    }

    /** A write by {@code process} that starts and ends now. */
    ScriptedHistory writeNow(int process, String key, String value) {
        return ok(write(process, key, value));
    }

    History history() {
        return recorder.history();
    }

    Verdict check(Model<?> model) {
        return new LinearizabilityChecker(Duration.ofSeconds(20)).check(history(), model);
    }
}
