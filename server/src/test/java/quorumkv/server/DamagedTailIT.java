package quorumkv.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import quorumkv.client.KvClient;
import quorumkv.client.ReadOptions;
import quorumkv.server.cli.QuorumkvCommand;
import quorumkv.server.config.ConfigException;
import quorumkv.server.ratis.LostEntries;
import quorumkv.server.testing.AckedWriter;
import quorumkv.server.testing.Eventually;
import quorumkv.server.testing.LocalCluster;
import quorumkv.server.testing.SegmentTail;
import quorumkv.server.testing.SegmentTail.Damage;

/**
 * A node killed under a write load whose newest log segment is then damaged at its tail (cut mid-entry, cut
 * at an entry boundary, garbage appended, a byte flipped in the last entry), as a follower and as the old
 * leader: it either heals by itself or refuses to start in one line, and after `quorumkv repair` heals; it
 * never starts wedged while /health says 200. Healed means: a voter again, /ready 200, its applied index at
 * the leader's, a linearizable read served by it, and its content digest equal to the leader's. Every
 * acknowledged write is read back. One cluster serves every case (each case starts from a healed cluster).
 */
class DamagedTailIT {
  private static final Duration HEAL = Duration.ofSeconds(60);

  @TempDir
  Path dir;
  private LocalCluster cluster;
  private KvClient client;

  enum Role { FOLLOWER, OLD_LEADER }

  static Stream<Arguments> cases() {
    return Stream.of(Role.values()).flatMap(r -> Stream.of(Damage.values()).map(d -> Arguments.of(r, d)));
  }

  /** A wedged Ratis member can hang the cluster's close too: the timeout abandons the case's thread. */
  @ParameterizedTest(name = "{0}, {1}")
  @MethodSource("cases")
  @Timeout(value = 180, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void aNodeWithADamagedTailHealsOrIsRefusedInOneLine(Role role, Damage damage) throws Exception {
    try (LocalCluster started = LocalCluster.startWithHttp(3, dir, Map.of()); KvClient connected = started.connect()) {
      cluster = started;
      client = connected;
      damageRestartAndHeal(role, damage);
    }
  }

  private void damageRestartAndHeal(Role role, Damage damage) throws Exception {
    int leader = cluster.waitForLeader(HEAL);
    int node = role == Role.OLD_LEADER ? leader : (leader + 1) % 3;
    String id = cluster.nodeId(node);
    String outcome;
    try (AckedWriter writer = new AckedWriter(cluster.connect(), role + "-" + damage, 100).start()) {
      Eventually.assertTrue(HEAL, () -> writer.ackedCount() >= 30, "writes flow");
      cluster.stop(node); // under load
      Path raftDir = cluster.config(node).raftDir();
      deleteStopSnapshot(raftDir);
      SegmentTail tail = SegmentTail.newest(raftDir);
      tail.damage(damage);
      int acked = writer.ackedCount();
      Eventually.assertTrue(HEAL, () -> writer.ackedCount() >= acked + 20, () -> "writes go on without " + id
          + " (acknowledged " + (writer.ackedCount() - acked) + " since; last failure: " + writer.lastFailure()
          + "; nodes: " + cluster.describe() + ")");

      outcome = restartOrRepair(node, tail);
      boolean rejoiningAtStart = Files.exists(cluster.config(node).dataDir().resolve(LostEntries.MARKER));
      assertHeals(node, writer);
      if (!rejoiningAtStart && movedAside(cluster.config(node).dataDir())) {
        outcome += "; then found at run time that its leader withheld the entries it lacked (it had acknowledged"
            + " the lost ones): moved aside and rejoined as a listener";
      }
      assertTrue(writer.unexpected.isEmpty(), "unexpected failures: " + writer.unexpected);
      writer.close();
      assertEquals(java.util.List.of(), writer.lostOrWrong(client), "acknowledged writes lost");
    }
    assertSameContent(node);
    System.out.printf("DamagedTailIT: %s %s (%s): %s%n", role, damage, id, outcome);
  }

  /** Starts the node; if it refuses in one line, repairs it with the CLI and starts it again. Returns what happened. */
  private String restartOrRepair(int node, SegmentTail tail) throws IOException {
    Path dataDir = cluster.config(node).dataDir();
    try {
      cluster.restart(node);
      return Files.exists(dataDir.resolve(LostEntries.MARKER))
          ? "healed by itself: moved its state aside and rejoined as a listener" : "started on its own log";
    } catch (ConfigException refused) {
      String m = refused.getMessage();
      assertFalse(m.contains("\n"), "refused in one line: " + m);
      assertTrue(m.contains(tail.segment().toString()) && m.contains("quorumkv repair --data-dir " + dataDir), m);
      assertEquals(0, QuorumkvCommand.commandLine().execute("repair", "--data-dir", dataDir.toString()));
      cluster.restart(node);
      return "refused in one line, healed after repair";
    }
  }

  /** /health stays 200 throughout; within the deadline the node is a ready voter at the leader's index. */
  private void assertHeals(int node, AckedWriter writer) {
    String id = cluster.nodeId(node);
    Eventually.assertTrue(HEAL, () -> {
      HttpCalls.Reply health = cluster.http().get(cluster.opsAddress(node), "/health");
      assertEquals(200, health.status(), id + " healing, /health: " + health.body());
      return cluster.node(node).listenerRejoinStatus() == null
          && client.admin().clusterStatus().member(id).orElseThrow().isVoter()
          && cluster.http().get(cluster.opsAddress(node), "/ready").status() == 200;
    }, id + " a ready voter again (rejoin: " + cluster.node(node).listenerRejoinStatus() + ")");
    int acked = writer.ackedCount();
    Eventually.assertTrue(HEAL, () -> writer.ackedCount() > acked + 10, "writes go on after " + id + " returned");
    long index = client.put("probe-" + id, "x").index();
    Eventually.assertTrue(HEAL, () -> cluster.node(node).appliedIndex() >= index, id + " reaches the leader's index");
    assertEquals("x", client.get("probe-" + id, ReadOptions.linearizable().atReplica(id)).value().toStringUtf8(),
        id + " serves a linearizable read");
    // A node that found at run time that it lost acknowledged entries rejoins as a listener: a voter again at the end.
    Eventually.assertTrue(HEAL, () -> cluster.node(node).listenerRejoinStatus() == null
        && client.admin().clusterStatus().member(id).orElseThrow().isVoter()
        && cluster.http().get(cluster.opsAddress(node), "/ready").status() == 200,
        id + " a ready voter at the end (rejoin: " + cluster.node(node).listenerRejoinStatus() + ")");
  }

  private static boolean movedAside(Path dataDir) throws IOException {
    try (Stream<Path> files = Files.list(dataDir)) {
      return files.anyMatch(p -> p.getFileName().toString().startsWith("damaged-"));
    }
  }

  private void assertSameContent(int node) throws IOException {
    int leader = cluster.waitForLeader(HEAL);
    long index = cluster.node(leader).appliedIndex();
    Eventually.assertTrue(HEAL, () -> cluster.node(node).appliedIndex() >= index, "caught up with the leader");
    assertArrayEquals(cluster.node(leader).contentDigest(), cluster.node(node).contentDigest(),
        cluster.nodeId(node) + " holds what the leader holds");
  }

  /** Ratis snapshots at a clean stop; a node killed with -9 has no such snapshot (see LostEntriesIT). */
  private static void deleteStopSnapshot(Path raftDir) throws IOException {
    try (Stream<Path> files = Files.walk(raftDir)) {
      for (Path snapshot : files.filter(p -> p.getFileName().toString().startsWith("snapshot.")).toList()) {
        org.apache.ratis.util.FileUtils.deleteFully(snapshot);
      }
    }
  }
}
