package quorumkv.server.testing;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * The java.util.logging records (gRPC logs through JUL) that reach the root logger's handlers, from
 * {@link #capture} to {@link #release}: those are the ones the JVM's console handler prints, stack trace
 * and all. {@link ErrLog} cannot see them: the console handler keeps the System.err it found at start.
 */
public final class JulRecords {
  private final List<LogRecord> records = new CopyOnWriteArrayList<>();
  private final Handler handler = new Handler() {
    @Override
    public void publish(LogRecord record) {
      if (record != null && record.getLevel().intValue() >= Level.INFO.intValue()) {
        records.add(record);
      }
    }

    @Override
    public void flush() {}

    @Override
    public void close() {}
  };

  private JulRecords() {}

  public static JulRecords capture() {
    JulRecords jul = new JulRecords();
    Logger.getLogger("").addHandler(jul.handler);
    return jul;
  }

  public void release() {
    Logger.getLogger("").removeHandler(handler);
  }

  /** "logger LEVEL message: cause" of every captured record that carries a throwable (a stack trace). */
  public List<String> withStackTrace() {
    return records.stream().filter(r -> r.getThrown() != null)
        .map(r -> r.getLoggerName() + " " + r.getLevel() + " " + r.getMessage() + ": " + r.getThrown()).toList();
  }
}
