package quorumkv.linearizability.history;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.function.LongSupplier;

/**
 * Records the history of live clients; safe to share between client threads.
 *
 * <p>A client calls {@link #invoke} just before it sends a request and one of {@link #ok},
 * {@link #fail} or {@link #info} as soon as it knows the outcome:
 * <ul>
 *   <li>{@code ok} when the store answered (for a read, with the value read);</li>
 *   <li>{@code fail} only when the operation definitely did not and will not apply (a cas whose
 *       comparison failed, a request refused before it could be appended);</li>
 *   <li>{@code info} when it might have applied (timeout after sending, leader lost): the checker
 *       then lets it take effect at any later instant, or never.</li>
 * </ul>
 * Calling {@code ok} or {@code fail} for an operation whose fate is unknown would let the
 * checker pass a broken store or fail a correct one, so when in doubt, use {@code info}.
 *
 * <p>Each event gets the next index and a monotonic time from the clock, both taken under one
 * lock, so event order is real-time order: if one call returned before another began, its
 * event comes first. A process has at most one open operation; after {@code info} it may invoke
 * again (its earlier operation then stays concurrent with everything that follows).
 */
public final class HistoryRecorder {
    private final LongSupplier clock;
    private final List<Event> events = new ArrayList<>();
    private final Map<Integer, Invocation> open = new HashMap<>();

    /** A recorder that timestamps events with {@link System#nanoTime()}. */
    public HistoryRecorder() {
        this(System::nanoTime);
    }

    /** A recorder with a given monotonic nanosecond clock (tests use a fake one). */
    public HistoryRecorder(LongSupplier clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * Records the start of an operation.
     *
     * @param input {@link Value#NULL} for read and delete, a string for write and append,
     *     {@link Value#cas} for cas
     * @return the handle to pass to exactly one of {@link #ok}, {@link #fail}, {@link #info}
     * @throws IllegalStateException if the process already has an open operation
     * @throws IllegalArgumentException if the input has the wrong shape for the kind
     */
    public synchronized Invocation invoke(int process, OperationKind kind, String key, Value input) {
        Invocation current = open.get(process);
        if (current != null) {
            throw new IllegalStateException("process " + process + " already has an open operation: " + current);
        }
        Event event = append(process, EventType.INVOKE, kind, key, input);
        Invocation invocation = new Invocation(process, kind, key, input, event.index());
        open.put(process, invocation);
        return invocation;
    }

    /** Records success of an operation other than read: it took effect once, with its input. */
    public void ok(Invocation invocation) {
        if (invocation.kind() == OperationKind.READ) {
            throw new IllegalArgumentException("a successful read needs its result: use ok(invocation, value)");
        }
        complete(invocation, EventType.OK, invocation.input());
    }

    /**
     * Records success with a result. For a read, {@code output} is the value read
     * ({@link Value#NULL} when the key was absent); for other kinds it must equal the input.
     */
    public void ok(Invocation invocation, Value output) {
        if (invocation.kind() != OperationKind.READ && !invocation.input().equals(output)) {
            throw new IllegalArgumentException("a successful " + invocation.kind().wireName()
                    + " repeats its input " + invocation.input() + ", not " + output);
        }
        complete(invocation, EventType.OK, output);
    }

    /** Records that the operation definitely had no effect. */
    public void fail(Invocation invocation) {
        complete(invocation, EventType.FAIL, resultlessValue(invocation));
    }

    /** Records that the operation may or may not take effect, at any time from now on. */
    public void info(Invocation invocation) {
        complete(invocation, EventType.INFO, resultlessValue(invocation));
    }

    /** The events so far, in order. */
    public synchronized List<Event> events() {
        return List.copyOf(events);
    }

    /** The history so far; operations still open are pending (treated like {@code info}). */
    public synchronized History history() {
        return History.of(events, "recorder");
    }

    private synchronized void complete(Invocation invocation, EventType type, Value value) {
        if (open.get(invocation.process()) != invocation) {
            throw new IllegalStateException("not an open operation of this recorder: " + invocation);
        }
        append(invocation.process(), type, invocation.kind(), invocation.key(), value);
        open.remove(invocation.process());
    }

    private Event append(int process, EventType type, OperationKind kind, String key, Value value) {
        Event event = new Event(process, type, kind, key, value, events.size(),
                OptionalLong.of(clock.getAsLong()));
        events.add(event);
        return event;
    }

    // A read that failed or timed out returned nothing; the other kinds repeat their input.
    private static Value resultlessValue(Invocation invocation) {
        return invocation.kind() == OperationKind.READ ? Value.NULL : invocation.input();
    }

    /**
     * An open operation, returned by {@link #invoke} and completed by exactly one of
     * {@link #ok}, {@link #fail} or {@link #info}.
     *
     * @param process the client that invoked it
     * @param kind what it does
     * @param key the key it operates on
     * @param input its argument
     * @param invokeIndex position of its invoke event
     */
    public record Invocation(int process, OperationKind kind, String key, Value input, long invokeIndex) {
    }
}
