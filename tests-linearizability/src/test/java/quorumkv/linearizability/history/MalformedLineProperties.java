package quorumkv.linearizability.history;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

class MalformedLineProperties {

    @Property(tries = 300)
    void aGarbageLineIsReportedWithItsLineNumber(
            @ForAll @Size(max = 40) List<@IntRange(min = 0, max = 1000) Integer> choices,
            @ForAll("garbage") String garbage,
            @ForAll @IntRange(min = 0, max = 10_000) int where) {
        History history = SimulatedClients.run(SimulatedClients.Spec.kv(), choices);
        List<String> lines = new ArrayList<>();
        history.events().forEach(event -> lines.add(HistoryWriter.toLine(event)));
        int position = where % (lines.size() + 1);
        lines.add(position, garbage);
        String text = String.join("\n", lines) + "\n";

        MalformedHistoryException e = assertThrows(MalformedHistoryException.class,
                () -> HistoryReader.parse(text, "garbage.jsonl"), () -> "accepted " + garbage);
        assertEquals(position + 1, e.line(), e.getMessage());
    }

    /**
     * Random text, plus lines that are nearly right. None is blank (blank lines are allowed at
     * the end) and none holds a line break (that would make two lines).
     */
    @Provide
    Arbitrary<String> garbage() {
        Arbitrary<String> random = Arbitraries.strings().ofMinLength(1).ofMaxLength(60);
        Arbitrary<String> nearlyRight = Arbitraries.of(
                "{}", "null", "[]", "42", "\"text\"", "{\"process\":0}",
                "{\"process\":0,\"type\":\"invoke\",\"f\":\"read\",\"key\":\"a\",\"value\":null}",
                "{\"process\":0,\"type\":\"invoke\",\"f\":\"read\",\"key\":\"a\",\"value\":null,\"index\":99999}",
                "{\"process\":99,\"type\":\"ok\",\"f\":\"read\",\"key\":\"a\",\"value\":null,\"index\":0}");
        return Arbitraries.oneOf(random, nearlyRight)
                .filter(line -> !line.isBlank() && line.indexOf('\n') < 0);
    }
}
