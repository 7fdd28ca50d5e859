package quorumkv.linearizability.history;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class HistoryReaderTest {
    private static final String WRITE_INVOKE =
            "{\"process\":0,\"type\":\"invoke\",\"f\":\"write\",\"key\":\"r\",\"value\":\"1\",\"index\":0}";
    private static final String WRITE_OK =
            "{\"process\":0,\"type\":\"ok\",\"f\":\"write\",\"key\":\"r\",\"value\":\"1\",\"index\":1}";

    @Test
    void readsACorpusFileAndPairsItsOperations() throws Exception {
        try (InputStream in = getClass().getResourceAsStream("/histories/porcupine/etcd_001.jsonl")) {
            History history = HistoryReader.read(in, "etcd_001.jsonl");
            // The manifest says: 172 events, 86 operations: 60 ok, 12 fail, 14 info.
            assertEquals(172, history.events().size());
            assertEquals(86, history.operations().size());
            assertEquals(60, count(history, Outcome.OK));
            assertEquals(12, count(history, Outcome.FAIL));
            assertEquals(14, count(history, Outcome.INFO));
            Operation first = history.operations().get(0);
            assertEquals(new Operation(0, OperationKind.READ, "r", Value.NULL, Value.NULL, Outcome.OK, 0, 2,
                    OptionalLong.empty(), OptionalLong.empty()), first);
        }
    }

    @Test
    void readsCasPairsTimesAndIgnoresUnknownFields() {
        History history = HistoryReader.parse(String.join("\n",
                "{\"process\":3,\"type\":\"invoke\",\"f\":\"cas\",\"key\":\"k\",\"value\":[null,\"7\"],"
                        + "\"index\":0,\"time\":-5,\"node\":\"n1\",\"extra\":{\"a\":[1,2]}}",
                "{\"process\":3,\"type\":\"info\",\"f\":\"cas\",\"key\":\"k\",\"value\":[null,\"7\"],\"index\":1,\"time\":12}",
                "{\"process\":4,\"type\":\"invoke\",\"f\":\"delete\",\"key\":\"k\",\"value\":null,\"index\":2}",
                ""), "mem");
        Operation cas = history.operations().get(0);
        assertEquals(Value.cas(null, "7"), cas.input());
        assertEquals(Outcome.INFO, cas.outcome());
        assertEquals(OptionalLong.of(-5), cas.invokeNanos());
        assertEquals(OptionalLong.of(12), cas.completeNanos());
        Operation delete = history.operations().get(1);
        assertEquals(Outcome.PENDING, delete.outcome());
        assertEquals(Operation.NO_COMPLETION, delete.completeIndex());
    }

    @Test
    void acceptsAnEmptyInputAndTrailingBlankLines() {
        assertTrue(HistoryReader.parse("", "empty").events().isEmpty());
        assertEquals(2, HistoryReader.parse(WRITE_INVOKE + "\n" + WRITE_OK + "\n\n  \n", "m").events().size());
        assertEquals(2, HistoryReader.parse(WRITE_INVOKE + "\n" + WRITE_OK, "no final newline").events().size());
    }

    @ParameterizedTest(name = "{2}")
    @CsvSource(delimiter = '|', quoteCharacter = '\'', value = {
        "{\"process\":0,\"type\":\"ok\",\"f\":|2|not valid JSON",
        "{\"process\":0,\"type\":\"ok\",\"f\":\"write\",\"key\":\"r\",\"value\":\"1\",\"index\":1} x|2|trailing text",
        "[1,2]|2|not an object",
        "{\"process\":0,\"type\":\"ok\",\"f\":\"write\",\"key\":\"r\",\"index\":1}|2|missing value",
        "{\"process\":-1,\"type\":\"ok\",\"f\":\"write\",\"key\":\"r\",\"value\":\"1\",\"index\":1}|2|negative process",
        "{\"process\":0.5,\"type\":\"ok\",\"f\":\"write\",\"key\":\"r\",\"value\":\"1\",\"index\":1}|2|fractional process",
        "{\"process\":0,\"type\":\"done\",\"f\":\"write\",\"key\":\"r\",\"value\":\"1\",\"index\":1}|2|unknown type",
        "{\"process\":0,\"type\":\"ok\",\"f\":\"incr\",\"key\":\"r\",\"value\":\"1\",\"index\":1}|2|unknown f",
        "{\"process\":0,\"type\":\"ok\",\"f\":\"write\",\"key\":1,\"value\":\"1\",\"index\":1}|2|key not a string",
        "{\"process\":0,\"type\":\"ok\",\"f\":\"write\",\"key\":\"r\",\"value\":[\"1\"],\"index\":1}|2|bad value array",
        "{\"process\":0,\"type\":\"ok\",\"f\":\"write\",\"key\":\"r\",\"value\":null,\"index\":1}|2|write of null",
        "{\"process\":0,\"type\":\"ok\",\"f\":\"write\",\"key\":\"r\",\"value\":\"1\",\"index\":5}|2|wrong index",
        "{\"process\":0,\"type\":\"ok\",\"f\":\"write\",\"key\":\"r\",\"value\":\"1\",\"index\":1,\"index\":1}|2|duplicate field",
        "{\"process\":0,\"type\":\"ok\",\"f\":\"write\",\"key\":\"r\",\"value\":\"1\",\"index\":1,\"time\":\"now\"}|2|bad time",
        "{\"process\":1,\"type\":\"ok\",\"f\":\"write\",\"key\":\"r\",\"value\":\"1\",\"index\":1}|2|completion without invoke",
        "{\"process\":0,\"type\":\"invoke\",\"f\":\"write\",\"key\":\"r\",\"value\":\"1\",\"index\":1}|2|second open invoke",
        "{\"process\":0,\"type\":\"ok\",\"f\":\"read\",\"key\":\"r\",\"value\":\"1\",\"index\":1}|2|completion with other f",
        "{\"process\":0,\"type\":\"ok\",\"f\":\"write\",\"key\":\"s\",\"value\":\"1\",\"index\":1}|2|completion with other key",
        "{\"process\":0,\"type\":\"ok\",\"f\":\"write\",\"key\":\"r\",\"value\":\"2\",\"index\":1}|2|completion with other value",
        "''|2|blank line inside",
    })
    void reportsTheLineOfTheFirstProblem(String secondLine, long line, String what) {
        String text = WRITE_INVOKE + "\n" + secondLine + "\n" + WRITE_OK.replace("\"index\":1", "\"index\":2") + "\n";
        MalformedHistoryException e = assertThrows(MalformedHistoryException.class,
                () -> HistoryReader.parse(text, "h.jsonl"), what);
        assertEquals(line, e.line(), e.getMessage());
        assertEquals("h.jsonl", e.source());
        assertTrue(e.getMessage().startsWith("h.jsonl:" + line + ": "), e.getMessage());
    }

    @Test
    void reportsBadUtf8OnItsOwnLine() throws Exception {
        byte[] good = (WRITE_INVOKE + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8);
        byte[] bad = {'{', (byte) 0xC3, '}', '\n'};
        byte[] all = new byte[good.length + bad.length];
        System.arraycopy(good, 0, all, 0, good.length);
        System.arraycopy(bad, 0, all, good.length, bad.length);
        MalformedHistoryException e = assertThrows(MalformedHistoryException.class,
                () -> HistoryReader.read(new ByteArrayInputStream(all), "bytes"));
        assertEquals(2, e.line());
        assertArrayEquals(new Object[] {"bytes", "not valid UTF-8"}, new Object[] {e.source(), e.problem()});
    }

    private static long count(History history, Outcome outcome) {
        List<Operation> operations = history.operations();
        return operations.stream().filter(op -> op.outcome() == outcome).count();
    }
}
