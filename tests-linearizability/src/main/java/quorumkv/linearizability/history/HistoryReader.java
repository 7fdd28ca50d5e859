package quorumkv.linearizability.history;

import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads JSONL histories (FORMAT.md). Every problem, from bytes that are not UTF-8 to an
 * completion without an invoke, is reported as a {@link MalformedHistoryException} naming the
 * source and the 1-based line. Blank lines are allowed only at the end of the input.
 */
public final class HistoryReader {
    private HistoryReader() {
    }

    /** Reads a history file. */
    public static History read(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return read(in, file.toString());
        }
    }

    /** Reads a history from text already in memory. */
    public static History parse(String text, String source) {
        try {
            return read(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)), source);
        } catch (IOException e) {
            throw new IllegalStateException("reading from memory cannot fail", e);
        }
    }

    /**
     * Reads a history from a stream of UTF-8 JSON lines; does not close the stream.
     *
     * @param source names the input in error messages
     * @throws MalformedHistoryException at the first problem
     */
    public static History read(InputStream in, String source) throws IOException {
        // Lines are split on '\n' bytes and decoded one by one, so that bad UTF-8 is reported
        // on the line that holds it rather than wherever a read-ahead buffer happened to end.
        BufferedInputStream bytes = new BufferedInputStream(in);
        CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        List<Event> events = new ArrayList<>();
        ByteArrayOutputStream lineBytes = new ByteArrayOutputStream(128);
        long lineNumber = 0;
        long firstBlankLine = 0;
        boolean more = true;
        while (more) {
            lineBytes.reset();
            int b;
            while ((b = bytes.read()) != -1 && b != '\n') {
                lineBytes.write(b);
            }
            more = b != -1;
            if (!more && lineBytes.size() == 0) {
                break; // the final line end, or an empty input
            }
            lineNumber++;
            String line = decode(utf8, lineBytes, source, lineNumber);
            if (line.isBlank()) {
                firstBlankLine = firstBlankLine == 0 ? lineNumber : firstBlankLine;
                continue;
            }
            if (firstBlankLine != 0) {
                throw new MalformedHistoryException(source, firstBlankLine, "blank line inside the history");
            }
            try {
                events.add(EventJson.parse(line));
            } catch (IllegalArgumentException e) {
                throw new MalformedHistoryException(source, lineNumber, e.getMessage());
            }
        }
        return History.of(events, source);
    }

    private static String decode(CharsetDecoder utf8, ByteArrayOutputStream lineBytes, String source,
                                 long lineNumber) {
        try {
            return utf8.decode(ByteBuffer.wrap(lineBytes.toByteArray())).toString();
        } catch (CharacterCodingException e) {
            throw new MalformedHistoryException(source, lineNumber, "not valid UTF-8");
        }
    }
}
