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

  public List<String> lines(Pattern pattern) {
    String text;
    synchronized (copy) {
      text = copy.toString(StandardCharsets.UTF_8);
    }
    return text.lines().filter(l -> pattern.matcher(l).find()).toList();
  }
}
