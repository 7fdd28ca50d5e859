package quorumkv.linearizability.checker;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import quorumkv.linearizability.history.History;
import quorumkv.linearizability.history.HistoryReader;
import quorumkv.linearizability.history.MalformedHistoryException;

/**
 * Command line of the checker, run by {@code bin/check-history}: checks each file, prints its
 * verdict and time (and the counterexample window when it is not linearizable), and exits with
 * the worst status of all files. Run {@code --help} for the options.
 */
public final class CheckHistoryMain {
    /** Every file is linearizable. */
    public static final int EXIT_LINEARIZABLE = 0;
    /** Some file is not linearizable, or its check ran out of time (UNKNOWN). */
    public static final int EXIT_NOT_LINEARIZABLE = 1;
    /** Some file is malformed, unreadable or does not fit the model; or bad usage. */
    public static final int EXIT_BAD_INPUT = 2;

    private CheckHistoryMain() {
    }

    /** Runs {@link #run} and exits with its status. */
    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /**
     * Checks the files named in {@code args}.
     *
     * @return the exit status: the largest of {@link #EXIT_LINEARIZABLE},
     *     {@link #EXIT_NOT_LINEARIZABLE} and {@link #EXIT_BAD_INPUT} over all files
     */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        CheckHistoryOptions options;
        try {
            options = CheckHistoryOptions.parse(args);
        } catch (IllegalArgumentException e) {
            err.println("check-history: " + e.getMessage());
            err.println(CheckHistoryOptions.USAGE);
            return EXIT_BAD_INPUT;
        }
        if (options.help()) {
            out.println(CheckHistoryOptions.USAGE);
            return EXIT_LINEARIZABLE;
        }
        LinearizabilityChecker checker = new LinearizabilityChecker(options.timeout());
        int status = EXIT_LINEARIZABLE;
        for (Path file : options.files()) {
            status = Math.max(status, checkFile(file, options.model(), checker, out, err));
        }
        return status;
    }

    private static int checkFile(Path file, Model<?> forcedModel, LinearizabilityChecker checker,
                                 PrintStream out, PrintStream err) {
        History history;
        try {
            history = HistoryReader.read(file);
        } catch (MalformedHistoryException e) {
            err.println("check-history: malformed history " + e.getMessage());
            return EXIT_BAD_INPUT;
        } catch (IOException e) {
            err.println("check-history: cannot read " + file + ": " + e);
            return EXIT_BAD_INPUT;
        }
        Model<?> model = forcedModel != null ? forcedModel : Models.inferFor(history);
        Verdict verdict;
        try {
            verdict = checker.check(history, model);
        } catch (IllegalArgumentException e) {
            err.println("check-history: " + file + ": " + e.getMessage());
            return EXIT_BAD_INPUT;
        }
        out.print(file + ": " + verdict.describe());
        out.flush();
        return verdict.isLinearizable() ? EXIT_LINEARIZABLE : EXIT_NOT_LINEARIZABLE;
    }
}
