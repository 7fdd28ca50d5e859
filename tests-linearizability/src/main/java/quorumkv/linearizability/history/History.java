package quorumkv.linearizability.history;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/**
 * An immutable, well-formed history: its events in order and the operations they pair into.
 *
 * <p>Well formed means: event {@code i} has {@code index == i}; every completion closes the one
 * open invoke of its process and has the same {@code f} and {@code key}; completions of
 * write, cas, append and delete repeat the invoke's value. Invokes left open are pending
 * operations.
 */
public final class History {
    private final List<Event> events;
    private final List<Operation> operations;

    private History(List<Event> events, List<Operation> operations) {
        this.events = events;
        this.operations = operations;
    }

    /** Same as {@link #of(List, String)} with a generic source name. */
    public static History of(List<Event> events) {
        return of(events, "<history>");
    }

    /**
     * Checks that the events form a history and pairs them into operations.
     *
     * @param events the events in history order
     * @param source where the events come from, used in error messages
     * @throws MalformedHistoryException naming the line (position + 1) of the first problem
     */
    public static History of(List<Event> events, String source) {
        List<Event> copy = List.copyOf(events);
        List<Operation> operations = new ArrayList<>();
        Map<Integer, Event> openInvokes = new HashMap<>();
        Map<Integer, Integer> openSlots = new HashMap<>();
        for (int position = 0; position < copy.size(); position++) {
            Event event = copy.get(position);
            long line = position + 1L;
            if (event.index() != position) {
                throw new MalformedHistoryException(source, line,
                        "index is " + event.index() + " but the event is at position " + position);
            }
            if (event.type() == EventType.INVOKE) {
                Event open = openInvokes.putIfAbsent(event.process(), event);
                if (open != null) {
                    throw new MalformedHistoryException(source, line, "process " + event.process()
                            + " invokes again while its invoke at line " + (open.index() + 1) + " is open");
                }
                openSlots.put(event.process(), operations.size());
                operations.add(null);
            } else {
                Event invoke = openInvokes.remove(event.process());
                if (invoke == null) {
                    throw new MalformedHistoryException(source, line, event.type().wireName()
                            + " of process " + event.process() + " has no open invoke");
                }
                String mismatch = completionMismatch(invoke, event);
                if (mismatch != null) {
                    throw new MalformedHistoryException(source, line, mismatch);
                }
                operations.set(openSlots.remove(event.process()), pair(invoke, event));
            }
        }
        for (Event invoke : openInvokes.values()) {
            operations.set(openSlots.get(invoke.process()), pair(invoke, null));
        }
        return new History(copy, Collections.unmodifiableList(operations));
    }

    /** The events in history order. */
    public List<Event> events() {
        return events;
    }

    /** The operations in the order of their invoke events. */
    public List<Operation> operations() {
        return operations;
    }

    private static String completionMismatch(Event invoke, Event completion) {
        String invokeAt = " but its invoke at line " + (invoke.index() + 1) + " has ";
        if (invoke.kind() != completion.kind()) {
            return "completion has f " + completion.kind().wireName() + invokeAt + invoke.kind().wireName();
        }
        if (!invoke.key().equals(completion.key())) {
            return "completion has key " + Quoting.quote(completion.key()) + invokeAt
                    + Quoting.quote(invoke.key());
        }
        if (invoke.kind() != OperationKind.READ && !invoke.value().equals(completion.value())) {
            return "completion has value " + completion.value() + invokeAt + invoke.value();
        }
        return null;
    }

    private static Operation pair(Event invoke, Event completion) {
        if (completion == null) {
            return new Operation(invoke.process(), invoke.kind(), invoke.key(), invoke.value(),
                    Value.NULL, Outcome.PENDING, invoke.index(), Operation.NO_COMPLETION,
                    invoke.timeNanos(), OptionalLong.empty());
        }
        Outcome outcome = switch (completion.type()) {
            case OK -> Outcome.OK;
            case FAIL -> Outcome.FAIL;
            case INFO -> Outcome.INFO;
            case INVOKE -> throw new IllegalArgumentException("an invoke does not complete an operation");
        };
        return new Operation(invoke.process(), invoke.kind(), invoke.key(), invoke.value(),
                completion.value(), outcome, invoke.index(), completion.index(),
                invoke.timeNanos(), completion.timeNanos());
    }
}
