package quorumkv.linearizability.checker;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The parsed command line of {@link CheckHistoryMain}.
 *
 * @param files the histories to check, in order
 * @param model the model named by {@code --model}, or {@code null} to infer it per file
 * @param timeout the budget per file
 * @param help whether {@code --help} was given
 */
record CheckHistoryOptions(List<Path> files, Model<?> model, Duration timeout, boolean help) {

    static final String USAGE = String.join("\n",
            "usage: check-history [--model NAME] [--timeout SECONDS] FILE...",
            "  Checks JSONL histories (FORMAT.md) for linearizability.",
            "  --model NAME       one of " + String.join(", ", Models.names())
                    + "; default: inferred per file",
            "                     (append -> kv-append; only key \"r\" with read/write/cas -> cas-register; else kv)",
            "  --timeout SECONDS  budget per file, default " + LinearizabilityChecker.DEFAULT_TIMEOUT.toSeconds()
                    + "; running out counts as a failure",
            "  exit status: 0 all linearizable, 1 one is not (or unknown: timed out), 2 malformed input or usage");

    /**
     * Parses {@code --model NAME}, {@code --timeout SECONDS} (also as {@code --opt=value}),
     * {@code --help}, and file names; {@code --} ends the options.
     *
     * @throws IllegalArgumentException saying what is wrong
     */
    static CheckHistoryOptions parse(String... args) {
        List<Path> files = new ArrayList<>();
        Model<?> model = null;
        Duration timeout = LinearizabilityChecker.DEFAULT_TIMEOUT;
        boolean help = false;
        boolean optionsEnded = false;
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (optionsEnded || !arg.startsWith("-") || arg.equals("-")) {
                files.add(Path.of(arg));
                continue;
            }
            String name = arg.contains("=") ? arg.substring(0, arg.indexOf('=')) : arg;
            switch (name) {
                case "--" -> optionsEnded = true;
                case "-h", "--help" -> help = true;
                case "--model" -> model = Models.byName(argument(args, i++, arg));
                case "--timeout" -> timeout = seconds(argument(args, i++, arg));
                default -> throw new IllegalArgumentException("unknown option " + arg);
            }
            if (arg.contains("=") && (name.equals("--model") || name.equals("--timeout"))) {
                i--; // the value was inside this argument, not the next one
            }
        }
        if (files.isEmpty() && !help) {
            throw new IllegalArgumentException("no history files given");
        }
        return new CheckHistoryOptions(List.copyOf(files), model, timeout, help);
    }

    private static String argument(String[] args, int index, String arg) {
        if (arg.contains("=")) {
            return arg.substring(arg.indexOf('=') + 1);
        }
        if (index + 1 >= args.length) {
            throw new IllegalArgumentException(arg + " needs a value");
        }
        return args[index + 1];
    }

    private static Duration seconds(String text) {
        BigDecimal seconds;
        try {
            seconds = new BigDecimal(text);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--timeout takes a number of seconds, not \"" + text + "\"");
        }
        if (seconds.signum() < 0 || seconds.compareTo(BigDecimal.valueOf(1_000_000_000L)) > 0) {
            throw new IllegalArgumentException("--timeout must be between 0 and 1e9 seconds, was " + text);
        }
        return Duration.ofNanos(seconds.movePointRight(9).longValue());
    }
}
