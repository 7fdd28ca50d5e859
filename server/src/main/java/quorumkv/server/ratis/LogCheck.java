package quorumkv.server.ratis;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.ratis.protocol.exceptions.ChecksumException;
import org.apache.ratis.server.RaftServerConfigKeys.Log.CorruptionPolicy;
import org.apache.ratis.server.raftlog.segmented.LogSegment;
import org.apache.ratis.server.raftlog.segmented.LogSegmentPath;
import org.apache.ratis.util.SizeInBytes;
import quorumkv.server.config.ConfigException;

/**
 * Reads every Raft log segment with Ratis's own reader before Ratis starts, so that a damaged log is
 * refused in one line naming the file, the last good entry, the position and the cause, and what to do.
 * Ratis itself fails with {@code Failed to initRaftLog} and leaves the cause (a {@code ChecksumException}
 * at a position, without the file) to a stack trace. Like Ratis, a last entry cut short by a crash is
 * not damage: Ratis drops it (the entry was never acknowledged by this node).
 */
final class LogCheck {
  /** Larger than any entry we write (Ratis's entry buffer is 4 MiB); only bounds the reader. */
  private static final SizeInBytes MAX_ENTRY = SizeInBytes.valueOf("64MB");

  private LogCheck() {}

  /**
   * @param groupDir the group's storage dir, {@code <data-dir>/raft/<group-uuid>}
   * @return the index of the last entry in the log, -1 if it has none
   */
  static long verify(Path groupDir, String nodeId) {
    Path current = groupDir.resolve("current");
    long last = -1;
    if (!Files.isDirectory(current)) {
      return last;
    }
    for (LogSegmentPath segment : segments(current)) {
      long[] lastGood = {startIndex(segment.getPath()) - 1};
      try {
        LogSegment.readSegmentFile(segment.getPath().toFile(), segment.getStartEnd(), MAX_ENTRY,
            CorruptionPolicy.EXCEPTION, null, entry -> lastGood[0] = entry.getIndex());
      } catch (IOException | RuntimeException e) {
        String where = e instanceof ChecksumException c ? " at byte " + c.getPos() : "";
        throw damaged(groupDir, segment, lastGood[0], where + " (" + oneLine(e) + ")");
      }
      long closedAt = closedEndIndex(segment.getPath());
      if (closedAt >= 0 && lastGood[0] != closedAt) {
        // Ratis fsyncs a segment before it closes (renames) it, so a closed segment ends at the entry in
        // its name. One that ends sooner lost entries (Ratis would load it short, then fail on the gap to
        // the next segment with a stack trace). A crash between Ratis's truncate and rename of a segment
        // looks the same; repair is safe in that case too.
        throw damaged(groupDir, segment, lastGood[0], ", although it was closed at entry " + closedAt + " (its end"
            + " was cut off)");
      }
      last = Math.max(last, lastGood[0]);
    }
    return last;
  }

  private static ConfigException damaged(Path groupDir, LogSegmentPath segment, long lastGood, String how) {
    return new ConfigException("the Raft log segment " + segment.getPath() + " is damaged after entry "
        + lastGood + how + "; the node refuses to start, so that it never votes"
        + " with a log that lost entries it had acknowledged. Run `quorumkv repair --data-dir "
        + groupDir.getParent().getParent() + "`: it moves the log and store aside (nothing is deleted), and the"
        + " node then rejoins as a listener and is promoted back once caught up (README: When a node fails partially)");
  }

  private static List<LogSegmentPath> segments(Path current) {
    List<LogSegmentPath> found = new ArrayList<>();
    try (Stream<Path> files = Files.list(current)) {
      files.forEach(p -> {
        LogSegmentPath s = LogSegmentPath.matchLogSegment(p);
        if (s != null) {
          found.add(s);
        }
      });
    } catch (IOException e) {
      throw new ConfigException("cannot list the Raft log in " + current + ": " + e.getMessage());
    }
    found.sort(Comparator.comparing(LogSegmentPath::getStartEnd));
    return found;
  }

  /** Ratis names segments log_&lt;start&gt;-&lt;end&gt; and log_inprogress_&lt;start&gt; (its accessor is package-private). */
  private static long startIndex(Path segment) {
    Matcher m = Pattern.compile("log_(?:inprogress_)?(\\d+)").matcher(segment.getFileName().toString());
    return m.lookingAt() ? Long.parseLong(m.group(1)) : 0;
  }

  /** The last entry a closed segment (log_&lt;start&gt;-&lt;end&gt;) holds by its name; -1 for the open one. */
  private static long closedEndIndex(Path segment) {
    Matcher m = Pattern.compile("log_\\d+-(\\d+)").matcher(segment.getFileName().toString());
    return m.matches() ? Long.parseLong(m.group(1)) : -1;
  }

  private static String oneLine(Throwable e) {
    String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    return m.replaceAll("\\s+", " ").strip();
  }
}
