package quorumkv.linearizability.history;

/**
 * A history that does not follow the JSONL format: bad JSON, a missing or mistyped field, a
 * value of the wrong shape, or events that do not pair up (a completion with no open invoke, a
 * second invoke while one is open, a completion whose {@code f} or {@code key} differs).
 * The message names the source and the 1-based line.
 */
public class MalformedHistoryException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String source;
    private final long line;
    private final String problem;

    /**
     * @param source the file (or other origin) of the history
     * @param line the 1-based line where the problem was found
     * @param problem what is wrong, without the location
     */
    public MalformedHistoryException(String source, long line, String problem) {
        super(source + ":" + line + ": " + problem);
        this.source = source;
        this.line = line;
        this.problem = problem;
    }

    /** The file (or other origin) of the history. */
    public String source() {
        return source;
    }

    /** The 1-based line where the problem was found. */
    public long line() {
        return line;
    }

    /** What is wrong, without the location. */
    public String problem() {
        return problem;
    }
}
