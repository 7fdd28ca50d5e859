package quorumkv.linearizability.history;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.StringWriter;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.From;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

class HistoryRoundTripProperties {

    @Property(tries = 200)
    void writingThenReadingGivesBackTheSameEvents(
            @ForAll("specs") SimulatedClients.Spec spec,
            @ForAll @Size(min = 1, max = 3) List<@From("texts") String> keys,
            @ForAll @Size(min = 1, max = 3) List<@From("texts") String> values,
            @ForAll @Size(max = 80) List<@IntRange(min = 0, max = 1000) Integer> choices,
            @ForAll long clockStart) throws Exception {
        long[] now = {clockStart};
        History history = SimulatedClients.run(spec.withKeysAndValues(keys, values), choices,
                new HistoryRecorder(() -> now[0]++));
        StringWriter text = new StringWriter();
        HistoryWriter.write(history, text);
        History read = HistoryReader.parse(text.toString(), "round-trip");
        assertEquals(history.events(), read.events());
        assertEquals(history.operations(), read.operations());
    }

    @Provide
    Arbitrary<SimulatedClients.Spec> specs() {
        return Arbitraries.of(SimulatedClients.Spec.casRegister(), SimulatedClients.Spec.kvAppend(),
                SimulatedClients.Spec.kv());
    }

    /** Strings with everything JSON must escape, and non-ASCII text (no lone surrogates: not UTF-8). */
    @Provide
    Arbitrary<String> texts() {
        return Arbitraries.strings()
                .withCharRange('\u0000', '\u007f')
                .withCharRange('\u00a0', '\u2fff')
                .withChars('\u2028', '\u2029', '\ufeff')
                .ofMaxLength(12);
    }
}
