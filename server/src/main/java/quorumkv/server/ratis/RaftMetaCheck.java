package quorumkv.server.ratis;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import quorumkv.server.config.ConfigException;

/**
 * Refuses to start, in one line, on a Raft metadata file ({@code raft-meta}: the node's term and vote)
 * that cannot be read. Ratis then fails with {@code 'term' not found in properties: {}} deep in a stack
 * trace. Seen after a full disk: Ratis writes the file through a BufferedWriter over an atomic
 * temp-and-rename stream, and when the buffered bytes fail to flush (ENOSPC) the stream is still closed,
 * which renames the empty temp file over the old one. The free-space floor keeps room for that write;
 * this check covers what it cannot prevent. A node that lost its term and vote must not vote until it has
 * caught up (it could vote twice in one term, or for a log missing entries it had acknowledged), so the
 * message says to remove it and add it back, rather than to start it as it is.
 */
final class RaftMetaCheck {
  private RaftMetaCheck() {}

  /** @param groupDir the group's storage dir, {@code <data-dir>/raft/<group-uuid>} */
  static void verify(Path groupDir, String nodeId) {
    Path meta = groupDir.resolve("current").resolve("raft-meta");
    if (!Files.exists(meta)) {
      return;
    }
    String problem;
    try {
      long size = Files.size(meta);
      Properties p = new Properties();
      try (Reader r = Files.newBufferedReader(meta, StandardCharsets.UTF_8)) {
        p.load(r);
      }
      problem = size == 0 ? "it is empty (0 bytes)"
          : !isLong(p.getProperty("term")) ? "it has no valid 'term'"
          : p.getProperty("votedFor") == null ? "it has no 'votedFor'" : null;
    } catch (IOException | IllegalArgumentException e) {
      problem = "it cannot be read (" + e.getMessage() + ")";
    }
    if (problem != null) {
      throw new ConfigException(meta + " holds this node's Raft term and vote, and " + problem
          + " (typically a write to a full disk); starting without them could let the node vote twice in one"
          + " term. Remove it from the cluster (quorumkv member remove " + nodeId + "), move its data dir aside,"
          + " and add it back with a fresh one (README: Membership)");
    }
  }

  private static boolean isLong(String s) {
    try {
      Long.parseLong(s);
      return true;
    } catch (NumberFormatException | NullPointerException e) {
      return false;
    }
  }
}
