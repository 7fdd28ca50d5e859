package quorumkv.linearizability.history;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Produces histories that are linearizable by construction, for property tests.
 *
 * <p>Simulated clients run against an in-memory store that is independent of the checker's
 * models. A list of choices (which jqwik generates and shrinks) drives the schedule: which
 * client invokes what, when each operation takes effect (the hidden linearization point, always
 * after its invoke), and whether it then completes {@code ok}, times out ({@code info}, taking
 * effect earlier, later or never), or is refused before taking effect ({@code fail}). A cas
 * whose comparison fails at its point completes {@code fail}. The history ends with a read
 * by a fresh process, so it always holds at least one {@code ok} read.
 */
public final class SimulatedClients {

    /**
     * What the simulated store offers.
     *
     * @param kinds the operations clients issue
     * @param initialValue every key's value before any operation ({@code null} = absent)
     * @param keys the keys clients pick from
     * @param values the strings clients write, append and compare with
     * @param nullExpected whether a cas may expect an absent key
     * @param processes how many clients run at once
     * @param maxOperations invokes beyond this many are skipped
     */
    public record Spec(List<OperationKind> kinds, String initialValue, List<String> keys, List<String> values,
                       boolean nullExpected, int processes, int maxOperations) {

        /** The etcd corpus's shape: one register "r", read/write/cas. */
        public static Spec casRegister() {
            return new Spec(List.of(OperationKind.READ, OperationKind.WRITE, OperationKind.CAS), null,
                    List.of("r"), List.of("0", "1", "2"), false, 4, 60);
        }

        /** The kv corpus's shape: keys start as "", read/write/append. */
        public static Spec kvAppend() {
            return new Spec(List.of(OperationKind.READ, OperationKind.WRITE, OperationKind.APPEND), "",
                    List.of("a", "b"), List.of("x", "y", "z"), false, 4, 60);
        }

        /** QuorumKV's own shape: read/write/cas (expected may be absent)/delete. */
        public static Spec kv() {
            return new Spec(List.of(OperationKind.READ, OperationKind.WRITE, OperationKind.CAS, OperationKind.DELETE),
                    null, List.of("a", "b"), List.of("0", "1"), true, 4, 60);
        }

        /** The same spec with other keys and values (for encoding tests). */
        public Spec withKeysAndValues(List<String> newKeys, List<String> newValues) {
            return new Spec(kinds, initialValue, newKeys, newValues, nullExpected, processes, maxOperations);
        }

        /** The same spec with another operation limit. */
        public Spec withMaxOperations(int limit) {
            return new Spec(kinds, initialValue, keys, values, nullExpected, processes, limit);
        }
    }

    private static final class Open {
        final HistoryRecorder.Invocation invocation;
        boolean applied;
        boolean casFailed;
        String readResult;

        Open(HistoryRecorder.Invocation invocation) {
            this.invocation = invocation;
        }
    }

    private final Spec spec;
    private final Iterator<Integer> choices;
    private final HistoryRecorder recorder;
    private final Map<String, String> store = new HashMap<>();
    private final Map<Integer, Open> busy = new LinkedHashMap<>();
    private final List<Open> timedOutUnapplied = new ArrayList<>();
    private int invoked;

    private SimulatedClients(Spec spec, List<Integer> choices, HistoryRecorder recorder) {
        this.spec = spec;
        this.choices = choices.iterator();
        this.recorder = recorder;
    }

    /** Runs the schedule the choices describe; the recorder's clock gives the times. */
    public static History run(Spec spec, List<Integer> choices, HistoryRecorder recorder) {
        SimulatedClients clients = new SimulatedClients(spec, choices, recorder);
        while (clients.choices.hasNext()) {
            clients.act();
        }
        clients.finalRead();
        return recorder.history();
    }

    /** Runs the schedule with a fake clock that advances 1 µs per event. */
    public static History run(Spec spec, List<Integer> choices) {
        long[] now = {0};
        return run(spec, choices, new HistoryRecorder(() -> now[0] += 1_000));
    }

    /** Invokes, linearization points and completions are common; timeouts and refusals rarer. */
    private void act() {
        switch (next(16)) {
            case 0, 1, 2, 3, 4 -> invoke();
            case 5, 6, 7, 8 -> pick(busy.values().stream().filter(open -> !open.applied).toList()).ifPresent(this::apply);
            case 9, 10, 11, 12 -> pick(busy.values().stream().filter(open -> open.applied).toList()).ifPresent(this::complete);
            case 13 -> pick(List.copyOf(busy.values())).ifPresent(this::timeOut);
            case 14 -> pick(busy.values().stream().filter(open -> !open.applied).toList()).ifPresent(this::refuse);
            default -> pick(List.copyOf(timedOutUnapplied)).ifPresent(open -> {
                timedOutUnapplied.remove(open);
                apply(open);
            });
        }
    }

    /** {@code count} uniformly random choices from a seed, for schedules of a predictable size. */
    public static List<Integer> randomChoices(long seed, int count) {
        return new java.util.Random(seed).ints(count, 0, 1 << 20).boxed().toList();
    }

    private void invoke() {
        List<Integer> idle = new ArrayList<>();
        for (int process = 0; process < spec.processes(); process++) {
            if (!busy.containsKey(process)) {
                idle.add(process);
            }
        }
        if (idle.isEmpty() || invoked >= spec.maxOperations()) {
            return;
        }
        int process = idle.get(next(idle.size()));
        OperationKind kind = spec.kinds().get(next(spec.kinds().size()));
        String key = spec.keys().get(next(spec.keys().size()));
        Value input = switch (kind) {
            case READ, DELETE -> Value.NULL;
            case WRITE, APPEND -> Value.of(anyValue());
            case CAS -> Value.cas(spec.nullExpected() && next(3) == 0 ? null : anyValue(), anyValue());
        };
        busy.put(process, new Open(recorder.invoke(process, kind, key, input)));
        invoked++;
    }

    /** The linearization point: the operation takes effect on the store now. */
    private void apply(Open open) {
        HistoryRecorder.Invocation op = open.invocation;
        String current = store.getOrDefault(op.key(), spec.initialValue());
        switch (op.kind()) {
            case READ -> open.readResult = current;
            case WRITE -> store.put(op.key(), op.input().asString());
            case APPEND -> store.put(op.key(), current + op.input().asString());
            case DELETE -> store.put(op.key(), null);
            case CAS -> {
                Value.CasArgs args = (Value.CasArgs) op.input();
                if (Objects.equals(current, args.expected())) {
                    store.put(op.key(), args.replacement());
                } else {
                    open.casFailed = true;
                }
            }
        }
        open.applied = true;
    }

    private void complete(Open open) {
        busy.remove(open.invocation.process());
        if (open.casFailed || (open.invocation.kind() == OperationKind.READ && next(5) == 0)) {
            recorder.fail(open.invocation); // a failed comparison, or a read whose answer was lost
        } else if (open.invocation.kind() == OperationKind.READ) {
            recorder.ok(open.invocation, Value.of(open.readResult));
        } else {
            recorder.ok(open.invocation);
        }
    }

    private void timeOut(Open open) {
        busy.remove(open.invocation.process());
        recorder.info(open.invocation);
        if (!open.applied) {
            timedOutUnapplied.add(open);
        }
    }

    private void refuse(Open open) {
        busy.remove(open.invocation.process());
        recorder.fail(open.invocation);
    }

    private void finalRead() {
        String key = spec.keys().get(next(spec.keys().size()));
        HistoryRecorder.Invocation read = recorder.invoke(spec.processes(), OperationKind.READ, key, Value.NULL);
        recorder.ok(read, Value.of(store.getOrDefault(key, spec.initialValue())));
    }

    private String anyValue() {
        return spec.values().get(next(spec.values().size()));
    }

    private <T> java.util.Optional<T> pick(List<T> candidates) {
        return candidates.isEmpty() ? java.util.Optional.empty()
                : java.util.Optional.of(candidates.get(next(candidates.size())));
    }

    /** The next choice modulo {@code bound}; 0 once the choices run out, so every list ends. */
    private int next(int bound) {
        return choices.hasNext() ? Math.floorMod(choices.next(), bound) : 0;
    }
}
