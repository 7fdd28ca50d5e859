package quorumkv.server;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.stream.Stream;
import org.apache.ratis.server.raftlog.segmented.LogSegmentPath;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import quorumkv.client.KvClient;
import quorumkv.server.config.ConfigException;
import quorumkv.server.testing.LocalCluster;

/**
 * A follower's Raft log damaged while it was down (bytes flipped in its last entry, garbage written after
 * its end) makes it refuse to start in one line naming the segment, the last good entry and what to do,
 * instead of Ratis's "Failed to initRaftLog" with the cause only in a stack trace. The other two nodes go on.
 */
class DamagedLogIT {
  @TempDir
  Path dir;

  enum Damage { FLIP_BYTES_IN_LAST_ENTRY, GARBAGE_AFTER_THE_END }

  @ParameterizedTest
  @EnumSource(Damage.class)
  void aDamagedLogIsRefusedInOneLine(Damage damage) throws Exception {
    try (LocalCluster cluster = LocalCluster.start(3, dir); KvClient client = cluster.connect()) {
      int leader = cluster.waitForLeader(Duration.ofSeconds(30));
      for (int i = 0; i < 30; i++) {
        client.put("k" + i, "v" + i);
      }
      int follower = (leader + 1) % 3;
      cluster.stop(follower);
      Path segment = newestSegment(cluster.config(follower).raftDir());
      damage(segment, damage);

      ConfigException e = assertThrows(ConfigException.class, () -> cluster.restart(follower));
      String m = e.getMessage();
      assertTrue(m.contains(segment.toString()) && m.contains("is damaged after entry")
          && m.contains("quorumkv repair --data-dir " + cluster.config(follower).dataDir()), m);
      assertFalse(m.contains("\n"), "one line: " + m);
      if (damage == Damage.FLIP_BYTES_IN_LAST_ENTRY) {
        assertTrue(m.contains("checksum") && m.contains("at byte"), m);
      }
      assertTrue(client.put("after", "x").index() > 0, "the other two go on");
    }
  }

  private static Path newestSegment(Path raftDir) throws IOException {
    try (Stream<Path> files = Files.walk(raftDir)) {
      return files.filter(p -> LogSegmentPath.matchLogSegment(p) != null)
          .max(Comparator.comparing(p -> LogSegmentPath.matchLogSegment(p).getStartEnd()))
          .orElseThrow(() -> new IOException("no log segment under " + raftDir));
    }
  }

  /** Ratis pads a segment with zero bytes after its last entry; the data ends at the last non-zero byte. */
  private static void damage(Path segment, Damage damage) throws IOException {
    byte[] bytes = Files.readAllBytes(segment);
    int end = bytes.length - 1;
    while (end > 0 && bytes[end] == 0) {
      end--;
    }
    switch (damage) {
      case FLIP_BYTES_IN_LAST_ENTRY -> bytes[end - 6] ^= (byte) 0xFF; // inside the last entry, before its checksum
      case GARBAGE_AFTER_THE_END -> {
        byte[] longer = java.util.Arrays.copyOf(bytes, Math.max(bytes.length, end + 200));
        for (int i = end + 50; i < end + 60; i++) {
          longer[i] = 0x7F;
        }
        bytes = longer;
      }
    }
    Files.write(segment, bytes);
  }
}
