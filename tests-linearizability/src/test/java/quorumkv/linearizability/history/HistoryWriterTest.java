package quorumkv.linearizability.history;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HistoryWriterTest {

    @Test
    void writesTheFieldsInFormatOrderWithTimeLast() {
        Event event = new Event(2, EventType.INVOKE, OperationKind.CAS, "r", Value.cas("3", "0"), 18,
                OptionalLong.of(123456789L));
        assertEquals("{\"process\":2,\"type\":\"invoke\",\"f\":\"cas\",\"key\":\"r\",\"value\":[\"3\",\"0\"],"
                + "\"index\":18,\"time\":123456789}", HistoryWriter.toLine(event));
    }

    @Test
    void writesCorpusLinesExactlyAsTheyWere() throws Exception {
        Path corpus = Path.of(getClass().getResource("/histories/porcupine/etcd_002.jsonl").toURI());
        History history = HistoryReader.read(corpus);
        StringBuilder rewritten = new StringBuilder();
        history.events().forEach(event -> rewritten.append(HistoryWriter.toLine(event)).append('\n'));
        assertEquals(Files.readString(corpus, StandardCharsets.UTF_8), rewritten.toString());
    }

    @Test
    void roundTripsThroughAFile(@TempDir Path dir) throws Exception {
        HistoryRecorder recorder = new HistoryRecorder();
        HistoryRecorder.Invocation write = recorder.invoke(0, OperationKind.WRITE, "ключ \"k\"\n", Value.of("\u00e9\t\u2028"));
        HistoryRecorder.Invocation cas = recorder.invoke(1, OperationKind.CAS, "k", Value.cas(null, "x"));
        recorder.ok(write);
        recorder.info(cas);
        recorder.invoke(1, OperationKind.DELETE, "k", Value.NULL);
        Path file = dir.resolve("h.jsonl");
        HistoryWriter.write(recorder.history(), file);
        History read = HistoryReader.read(file);
        assertEquals(recorder.events(), read.events());
        assertEquals(List.of(Outcome.OK, Outcome.INFO, Outcome.PENDING),
                read.operations().stream().map(Operation::outcome).toList());
    }
}
