package quorumkv.linearizability.checker;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import quorumkv.linearizability.history.Event;
import quorumkv.linearizability.history.EventType;
import quorumkv.linearizability.history.History;
import quorumkv.linearizability.history.OperationKind;
import quorumkv.linearizability.history.SimulatedClients;
import quorumkv.linearizability.history.Value;

class LinearizabilityProperties {
    private static final LinearizabilityChecker CHECKER = new LinearizabilityChecker(Duration.ofSeconds(20));
    /** No simulated client writes or appends this, and no concatenation of their values contains '#'. */
    private static final String NEVER_WRITTEN = "#never-written";

    /** A simulated store and the model that specifies it. */
    record Case(SimulatedClients.Spec spec, Model<?> model) {
        @Override
        public String toString() {
            return model.name();
        }
    }

    @Property(tries = 200)
    void historiesOfACorrectStoreAreLinearizable(
            @ForAll("cases") Case c,
            @ForAll long seed,
            @ForAll @IntRange(min = 10, max = 800) int steps) {
        History history = SimulatedClients.run(c.spec(), SimulatedClients.randomChoices(seed, steps));
        Verdict verdict = CHECKER.check(history, c.model());
        assertEquals(Verdict.Kind.LINEARIZABLE, verdict.kind(), verdict::describe);
    }

    @Property(tries = 200)
    void aReadOfAValueNeverWrittenIsNeverLinearizable(
            @ForAll("cases") Case c,
            @ForAll long seed,
            @ForAll @IntRange(min = 10, max = 800) int steps,
            @ForAll @IntRange(min = 0, max = 1000) int whichRead) {
        List<Event> events = SimulatedClients.run(c.spec(), SimulatedClients.randomChoices(seed, steps)).events();
        List<Integer> okReads = okReadPositions(events);
        int corrupted = okReads.get(whichRead % okReads.size());
        History history = History.of(replaceValue(events, corrupted, Value.of(NEVER_WRITTEN)));
        Verdict verdict = CHECKER.check(history, c.model());
        assertEquals(Verdict.Kind.NOT_LINEARIZABLE, verdict.kind(), verdict::describe);
    }

    /** Reads given arbitrary results from the values in play: both verdicts occur, and must be right. */
    @Property(tries = 300)
    void theCheckerAgreesWithBruteForceOnSmallHistories(
            @ForAll("cases") Case c,
            @ForAll long seed,
            @ForAll @IntRange(min = 10, max = 150) int steps,
            @ForAll @Size(max = 8) List<@IntRange(min = 0, max = 20) Integer> readResults) {
        List<Event> events = SimulatedClients.run(c.spec().withMaxOperations(9),
                SimulatedClients.randomChoices(seed, steps)).events();
        Iterator<Integer> results = readResults.iterator();
        for (int position : okReadPositions(events)) {
            if (results.hasNext()) {
                events = replaceValue(events, position, someValue(c.spec(), results.next()));
            }
        }
        History history = History.of(events);
        boolean expected = BruteForceChecker.isLinearizable(history, c.spec().initialValue());
        Verdict verdict = CHECKER.check(history, c.model());
        assertEquals(expected ? Verdict.Kind.LINEARIZABLE : Verdict.Kind.NOT_LINEARIZABLE, verdict.kind(),
                verdict::describe);
    }

    @Provide
    Arbitrary<Case> cases() {
        return Arbitraries.of(
                new Case(SimulatedClients.Spec.casRegister(), RegisterModel.CAS_REGISTER),
                new Case(SimulatedClients.Spec.kvAppend(), RegisterModel.KV_APPEND),
                new Case(SimulatedClients.Spec.kv(), RegisterModel.KV));
    }

    /** A value the spec's clients could plausibly see: one of theirs, a concatenation, absent or "". */
    private static Value someValue(SimulatedClients.Spec spec, int choice) {
        List<String> values = spec.values();
        int n = values.size();
        if (choice < n) {
            return Value.of(values.get(choice));
        } else if (choice < 2 * n) {
            return Value.of(values.get(choice - n) + values.get((choice + 1) % n));
        }
        return Value.of(choice % 2 == 0 ? null : "");
    }

    private static List<Integer> okReadPositions(List<Event> events) {
        List<Integer> positions = new ArrayList<>();
        for (Event event : events) {
            if (event.kind() == OperationKind.READ && event.type() == EventType.OK) {
                positions.add((int) event.index());
            }
        }
        return positions;
    }

    private static List<Event> replaceValue(List<Event> events, int position, Value value) {
        List<Event> copy = new ArrayList<>(events);
        Event old = copy.get(position);
        copy.set(position, new Event(old.process(), old.type(), old.kind(), old.key(), value, old.index(),
                old.timeNanos()));
        return copy;
    }
}
