package quorumkv.server.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The shell commands README.md and the docs/ pages show, read from the files themselves so that tests run
 * what they say. The docs/ pages follow README in one sequence of lines: an anchor is found in whichever
 * holds it.
 *
 * <p>A command is a line of a fenced block whose first word is {@code mvn}, {@code curl},
 * {@code docker-compose}, {@code apt-get} or a script under {@code bin/}, with its trailing {@code # comment}
 * removed; or an inline code span in prose that starts the same way. A span that is a script's path alone
 * ({@code bin/quorumkv-cluster}) names the script and is not a command. Whitespace runs count as one space.
 *
 * <p>README's notation, expanded by {@link #expand}: {@code a|b|c} lists alternatives that each complete
 * the words before them ({@code member list|add n4 ...} is {@code member list}, {@code member add n4 ...});
 * {@code [x]} is optional (both the command without it and with it).
 */
final class ReadmeCommands {
  static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

  /** Anchors: a block is the first fenced block after the first line containing its anchor. */
  static final String QUICK_START = "## Quick start";
  static final String QUICK_START_EXAMPLES = "Then, for example:";
  static final String MANUAL_START = "Starting a node by hand";
  static final String MANUAL_CLI = "tell it where these nodes and their CA are";
  static final String CLI_TOUR = "### CLI";
  static final String BENCH = "## Performance";

  private static final Pattern FIRST_WORD = Pattern.compile("^(mvn|curl|docker-compose|apt-get|bin/[\\w.-]+)(\\s|$)");
  private static final Pattern COMMENT = Pattern.compile("\\s+#(\\s.*)?$");
  private static final Pattern SPAN = Pattern.compile("`([^`]+)`");
  private static final Pattern OPTIONAL = Pattern.compile("\\[([^\\]]+)\\]");

  private final List<String> lines;

  private ReadmeCommands(List<String> lines) {
    this.lines = lines;
  }

  static ReadmeCommands load() {
    try {
      List<String> lines = new ArrayList<>(Files.readAllLines(ROOT.resolve("README.md")));
      try (var docs = Files.list(ROOT.resolve("docs"))) {
        for (Path doc : docs.filter(p -> p.toString().endsWith(".md")).sorted().toList()) {
          lines.add("");
          lines.addAll(Files.readAllLines(doc));
        }
      }
      return new ReadmeCommands(lines);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static boolean isCommand(String text) {
    return FIRST_WORD.matcher(text).find();
  }

  static String normalize(String text) {
    return text.strip().replaceAll("\\s+", " ");
  }

  /** A fenced line without its comment, normalized. */
  static String withoutComment(String line) {
    return normalize(COMMENT.matcher(line).replaceFirst(""));
  }

  /** Every command of every fenced block (not java or xml code), in README order. */
  List<String> fencedCommands() {
    List<String> out = new ArrayList<>();
    boolean inFence = false;
    boolean shell = false;
    for (String line : lines) {
      if (line.startsWith("```")) {
        inFence = !inFence;
        String lang = line.substring(3).strip();
        shell = inFence && (lang.isEmpty() || lang.equals("sh") || lang.equals("bash") || lang.equals("shell"));
        continue;
      }
      String command = withoutComment(line);
      if (inFence && shell && isCommand(command)) {
        out.add(command);
      }
    }
    return out;
  }

  /** Every inline code span of the prose (outside fenced blocks) that is a command, in README order. */
  List<String> inlineCommands() {
    StringBuilder prose = new StringBuilder();
    boolean inFence = false;
    for (String line : lines) {
      if (line.startsWith("```")) {
        inFence = !inFence;
      } else if (!inFence) {
        prose.append(line).append('\n');   // spans may wrap onto the next line
      }
    }
    List<String> out = new ArrayList<>();
    Matcher m = SPAN.matcher(prose);
    while (m.find()) {
      String span = normalize(m.group(1));
      if (isCommand(span) && span.contains(" ")) {   // a path alone names the script
        out.add(span);
      }
    }
    return out;
  }

  /** Fenced and inline commands, each once, in README order. */
  Set<String> allCommands() {
    Set<String> all = new LinkedHashSet<>(fencedCommands());
    all.addAll(inlineCommands());
    return all;
  }

  /**
   * The non-blank lines of the first fenced block after {@code anchor}, comments removed. Fails if the
   * anchor or the block is gone: a test reading a block must notice when README moves it.
   */
  List<String> block(String anchor) {
    int at = 0;
    while (at < lines.size() && !lines.get(at).contains(anchor)) {
      at++;
    }
    if (at == lines.size()) {
      throw new AssertionError("README.md has no line containing '" + anchor + "'");
    }
    while (at < lines.size() && !lines.get(at).startsWith("```")) {
      at++;
    }
    List<String> out = new ArrayList<>();
    for (at++; at < lines.size() && !lines.get(at).startsWith("```"); at++) {
      if (!lines.get(at).isBlank()) {
        out.add(withoutComment(lines.get(at)));
      }
    }
    if (out.isEmpty()) {
      throw new AssertionError("no fenced block after '" + anchor + "' in README.md");
    }
    return out;
  }

  /** The concrete commands a line of README notation stands for (see the class comment). */
  static List<String> expand(String command) {
    List<String> out = new ArrayList<>();
    for (String alternative : alternatives(command)) {
      out.addAll(optionals(alternative));
    }
    return out;
  }

  private static List<String> alternatives(String command) {
    int bar = command.indexOf('|');
    if (bar < 0) {
      return List.of(command);
    }
    // The alternatives start at the word holding the first '|' ("list|add") or, when the '|' stands
    // alone ("--quick | --long"), at the word before it.
    int start = bar;
    while (start > 0 && command.charAt(start - 1) == ' ') {
      start--;
    }
    while (start > 0 && command.charAt(start - 1) != ' ') {
      start--;
    }
    String prefix = command.substring(0, start);
    List<String> out = new ArrayList<>();
    for (String alternative : command.substring(start).split("\\|")) {
      out.add(normalize(prefix + alternative));
    }
    return out;
  }

  private static List<String> optionals(String command) {
    Matcher m = OPTIONAL.matcher(command);
    if (!m.find()) {
      return List.of(command);
    }
    String without = command.substring(0, m.start()) + command.substring(m.end());
    String with = command.substring(0, m.start()) + m.group(1) + command.substring(m.end());
    List<String> out = new ArrayList<>(optionals(normalize(without)));
    out.addAll(optionals(normalize(with)));
    return out;
  }

  /**
   * A command's words. Only plain commands qualify: no quotes or shell syntax, and no unexpanded README
   * notation (a trailing '&' must be removed first).
   */
  static List<String> words(String command) {
    if (command.matches(".*['\"$;<>`&|\\[\\]\\\\].*")) {
      throw new AssertionError("not a plain command (quotes, shell syntax or README notation): " + command);
    }
    return List.of(normalize(command).split(" "));
  }
}
