package quorumkv.linearizability.history;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

class HistoryRecorderTest {

    @Test
    void recordsEventsWithIndexAndClockTime() {
        long[] now = {100};
        HistoryRecorder recorder = new HistoryRecorder(() -> now[0]++);
        HistoryRecorder.Invocation read = recorder.invoke(7, OperationKind.READ, "k", Value.NULL);
        recorder.ok(read, Value.of("v"));
        assertEquals(List.of(
                new Event(7, EventType.INVOKE, OperationKind.READ, "k", Value.NULL, 0, OptionalLong.of(100)),
                new Event(7, EventType.OK, OperationKind.READ, "k", Value.of("v"), 1, OptionalLong.of(101))),
                recorder.events());
    }

    @Test
    void failAndInfoOfAReadRecordNoValueAndOtherKindsRepeatTheirInput() {
        HistoryRecorder recorder = new HistoryRecorder();
        recorder.fail(recorder.invoke(0, OperationKind.READ, "k", Value.NULL));
        recorder.info(recorder.invoke(0, OperationKind.CAS, "k", Value.cas("a", "b")));
        List<Operation> ops = recorder.history().operations();
        assertEquals(Value.NULL, ops.get(0).output());
        assertEquals(Value.cas("a", "b"), ops.get(1).output());
    }

    @Test
    void allowsOneOpenOperationPerProcess() {
        HistoryRecorder recorder = new HistoryRecorder();
        recorder.invoke(1, OperationKind.WRITE, "k", Value.of("a"));
        assertThrows(IllegalStateException.class, () -> recorder.invoke(1, OperationKind.READ, "k", Value.NULL));
        recorder.invoke(2, OperationKind.READ, "k", Value.NULL);
    }

    @Test
    void completesEachInvocationOnce() {
        HistoryRecorder recorder = new HistoryRecorder();
        HistoryRecorder.Invocation write = recorder.invoke(1, OperationKind.WRITE, "k", Value.of("a"));
        recorder.info(write);
        assertThrows(IllegalStateException.class, () -> recorder.ok(write));
        // After info the process may go on (its old operation stays concurrent with the rest).
        recorder.ok(recorder.invoke(1, OperationKind.WRITE, "k", Value.of("b")));
        assertEquals(4, recorder.events().size());
    }

    @Test
    void rejectsResultsThatDoNotFitTheKind() {
        HistoryRecorder recorder = new HistoryRecorder();
        HistoryRecorder.Invocation read = recorder.invoke(1, OperationKind.READ, "k", Value.NULL);
        assertThrows(IllegalArgumentException.class, () -> recorder.ok(read));
        HistoryRecorder.Invocation write = recorder.invoke(2, OperationKind.WRITE, "k", Value.of("a"));
        assertThrows(IllegalArgumentException.class, () -> recorder.ok(write, Value.of("b")));
        assertThrows(IllegalArgumentException.class,
                () -> recorder.invoke(3, OperationKind.WRITE, "k", Value.NULL));
        assertThrows(IllegalArgumentException.class,
                () -> recorder.invoke(3, OperationKind.DELETE, "k", Value.of("x")));
    }

    @Test
    void concurrentClientsProduceAWellFormedHistoryInTimeOrder() throws Exception {
        HistoryRecorder recorder = new HistoryRecorder();
        int clients = 8;
        int perClient = 500;
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        for (int process = 0; process < clients; process++) {
            int p = process;
            threads.add(new Thread(() -> {
                awaitQuietly(start);
                for (int i = 0; i < perClient; i++) {
                    HistoryRecorder.Invocation write = recorder.invoke(p, OperationKind.WRITE, "k" + p, Value.of("v" + i));
                    recorder.ok(write);
                }
            }, "recorder-test-" + p));
        }
        threads.forEach(Thread::start);
        start.countDown();
        for (Thread thread : threads) {
            thread.join();
        }
        History history = recorder.history();
        assertEquals(clients * perClient * 2, history.events().size());
        long previous = Long.MIN_VALUE;
        for (Event event : history.events()) {
            long time = event.timeNanos().orElseThrow();
            assertTrue(time >= previous, "times follow the event order");
            previous = time;
        }
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
