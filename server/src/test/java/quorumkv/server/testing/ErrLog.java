package quorumkv.server.testing;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Copies everything written to System.err (where slf4j-simple logs) from {@link #capture} to
 * {@link #release}, so a test can assert on what was logged.
 */
public final class ErrLog {
  private final PrintStream original;
  private final ByteArrayOutputStream copy = new ByteArrayOutputStream();

  private ErrLog(PrintStream original) {
    this.original = original;
  }

  public static ErrLog capture() {
    ErrLog log = new ErrLog(System.err);
    PrintStream tee = new PrintStream(new java.io.OutputStream() {
      @Override
      public void write(int b) {
        log.original.write(b);
        synchronized (log.copy) {
          log.copy.write(b);
        }
      }

      @Override
      public void write(byte[] b, int off, int len) {
        log.original.write(b, off, len);
        synchronized (log.copy) {
          log.copy.write(b, off, len);
        }
      }
    }, true, StandardCharsets.UTF_8);
    System.setErr(tee);
    return log;
  }

  public void release() {
    System.err.flush();
    System.setErr(original);
  }

  /**
   * The lines matching {@code pattern}, leaving out every line of a log record (its heading and the stack
   * trace under it) whose logger starts with one of {@code otherLoggers}: in one test JVM, a Ratis client of
   * an earlier test's node may still be retrying a request it had in flight when that node closed, and its
   * stack traces are no evidence about the test that is running.
   */
  public List<String> linesExceptFrom(Pattern pattern, String... otherLoggers) {
    String text;
    synchronized (copy) {
      text = copy.toString(StandardCharsets.UTF_8);
    }
    Pattern heading = Pattern.compile("^\\d\\d:\\d\\d:\\d\\d\\.\\d+ \\[[^\\]]*\\] [A-Z]+ (\\S+)");
    List<String> out = new java.util.ArrayList<>();
    boolean skipping = false;
    for (String line : text.lines().toList()) {
      java.util.regex.Matcher m = heading.matcher(line);
      if (m.find()) {
        skipping = java.util.Arrays.stream(otherLoggers).anyMatch(m.group(1)::startsWith);
      }
      if (!skipping && pattern.matcher(line).find()) {
        out.add(line);
      }
    }
    return out;
  }

  public List<String> lines(Pattern pattern) {
    String text;
    synchronized (copy) {
      text = copy.toString(StandardCharsets.UTF_8);
    }
    return text.lines().filter(l -> pattern.matcher(l).find()).toList();
  }
}
