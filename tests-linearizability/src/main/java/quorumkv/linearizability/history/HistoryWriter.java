package quorumkv.linearizability.history;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes histories in the JSONL format that {@link HistoryReader} reads: one event per line,
 * {@code \n} line ends, UTF-8, the six fields of FORMAT.md plus {@code time} when it is known.
 */
public final class HistoryWriter {
    private HistoryWriter() {
    }

    /** Writes the history to a file, replacing it if it exists. */
    public static void write(History history, Path file) throws IOException {
        try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            write(history, out);
        }
    }

    /** Writes the history's events to {@code out}; does not close or flush it. */
    public static void write(History history, Writer out) throws IOException {
        for (Event event : history.events()) {
            out.write(toLine(event));
            out.write('\n');
        }
    }

    /** One event as a JSON line, without the line end. */
    public static String toLine(Event event) {
        return EventJson.format(event);
    }
}
