package quorumkv.linearizability.checker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import quorumkv.linearizability.history.History;
import quorumkv.linearizability.history.HistoryReader;
import quorumkv.linearizability.history.Operation;
import quorumkv.linearizability.history.Outcome;

/**
 * Every history of the corpus (test resources {@code histories/*}, from Porcupine's test data)
 * gets the verdict its manifest records, within a generous per-history budget; UNKNOWN fails.
 */
class CorpusVerdictTest {
    private static final List<String> SETS = List.of("porcupine", "porcupine-kv");
    /** Porcupine needs well under a second per history; this leaves room for a busy machine. */
    private static final Duration BUDGET = Duration.ofSeconds(20);

    @TestFactory
    Stream<DynamicTest> everyHistoryGetsItsKnownVerdict() {
        List<DynamicTest> tests = new ArrayList<>();
        for (String set : SETS) {
            JsonNode manifest = readManifest(set);
            assertEquals(manifest.get("count").asInt(), manifest.get("histories").size(), set + " count");
            for (JsonNode entry : manifest.get("histories")) {
                String file = entry.get("file").asText();
                tests.add(DynamicTest.dynamicTest(set + "/" + file, () -> checkOne(set, entry)));
            }
        }
        return tests.stream();
    }

    private static void checkOne(String set, JsonNode entry) throws IOException {
        String name = set + "/" + entry.get("file").asText();
        History history;
        try (InputStream in = resource(name)) {
            history = HistoryReader.read(in, name);
        }
        assertManifestCounts(entry, history);
        Model<?> model = Models.byName(entry.get("model").asText());
        assertEquals(model, Models.inferFor(history), "inferred model");

        Verdict verdict = new LinearizabilityChecker(BUDGET).check(history, model);
        System.out.printf(Locale.ROOT, "%-32s %-17s %7.3f s%n", name, verdict.kind(),
                verdict.elapsed().toNanos() / 1e9);
        assertNotEquals(Verdict.Kind.UNKNOWN, verdict.kind(), verdict::describe);
        Verdict.Kind expected = entry.get("linearizable").asBoolean()
                ? Verdict.Kind.LINEARIZABLE : Verdict.Kind.NOT_LINEARIZABLE;
        assertEquals(expected, verdict.kind(), verdict::describe);
        assertTrue(verdict.elapsed().compareTo(BUDGET) < 0);
    }

    /** The reader pairs events exactly as the manifest counted them. */
    private static void assertManifestCounts(JsonNode entry, History history) {
        List<Operation> operations = history.operations();
        assertEquals(entry.get("events").asInt(), history.events().size(), "events");
        assertEquals(entry.get("operations").asInt(), operations.size(), "operations");
        assertEquals(entry.get("ok").asInt(), count(operations, Outcome.OK), "ok");
        assertEquals(entry.get("fail").asInt(), count(operations, Outcome.FAIL), "fail");
        assertEquals(entry.get("info").asInt(), count(operations, Outcome.INFO), "info");
        assertEquals(entry.get("pending").asInt(), count(operations, Outcome.PENDING), "pending");
        assertEquals(entry.get("processes").asInt(), operations.stream().map(Operation::process).distinct().count());
        assertEquals(entry.get("keys").asInt(), operations.stream().map(Operation::key).distinct().count());
    }

    private static long count(List<Operation> operations, Outcome outcome) {
        return operations.stream().filter(op -> op.outcome() == outcome).count();
    }

    private static JsonNode readManifest(String set) {
        try (InputStream in = resource(set + "/manifest.json")) {
            return JsonMapper.builder().build().readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static InputStream resource(String name) {
        InputStream in = CorpusVerdictTest.class.getResourceAsStream("/histories/" + name);
        if (in == null) {
            throw new IllegalStateException("missing test resource histories/" + name);
        }
        return in;
    }
}
