package quorumkv.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import quorumkv.server.backup.BackupReader;
import quorumkv.server.cli.Cli;
import quorumkv.server.cli.ExitCodes;
import quorumkv.server.testing.Eventually;
import quorumkv.server.testing.LocalCluster;

/**
 * A backup taken from a live cluster under writes holds exactly the state at its revision (rebuilt from
 * the acknowledged writes' revisions), and a new cluster restored from it serves that state and writes
 * revisions above the backup's.
 */
class BackupRestoreIT {
  @TempDir
  Path dir;

  /** One acknowledged write: its revision, key, and value (null for a delete). */
  record Write(long revision, String key, String value) {}

  @Test
  void backupUnderWritesRestoresIntoANewClusterExactlyAtItsRevision() throws Exception {
    Path file = dir.resolve("live.qkv");
    List<Write> acknowledged = new ArrayList<>();
    try (LocalCluster source = LocalCluster.startWithHttp(3, dir.resolve("a"), Map.of())) {
      source.waitForLeader(Duration.ofSeconds(20));
      String endpoints = source.httpAddress(0) + "," + source.httpAddress(1) + "," + source.httpAddress(2);
      AtomicBoolean stop = new AtomicBoolean();
      java.util.concurrent.atomic.AtomicReference<Throwable> failed = new java.util.concurrent.atomic.AtomicReference<>();
      Thread writer = new Thread(() -> {
        try {
          writeUntil(stop, source, acknowledged);
        } catch (Throwable t) {
          failed.set(t);
        }
      }, "backup-it-writer");
      writer.start();
      long started = System.nanoTime();
      Eventually.assertTrue(Duration.ofSeconds(30), () -> written(acknowledged, failed) >= 150, "writes before the backup");
      System.out.printf("150 sequential HTTP writes (round-robin over the nodes) in %d ms%n",
          (System.nanoTime() - started) / 1_000_000);
      long saveStarted = System.nanoTime();
      Path pki = source.pki();
      Cli.Run save = Cli.run("snapshot", "save", file.toString(), "--endpoints", endpoints, "--cacert",
          pki.resolve("ca.pem").toString(), "--cert", pki.resolve("root.pem").toString(), "--key",
          pki.resolve("root.key").toString());
      System.out.printf("snapshot save under writes took %d ms%n", (System.nanoTime() - saveStarted) / 1_000_000);
      long afterSave = written(acknowledged, failed);
      Eventually.assertTrue(Duration.ofSeconds(30), () -> written(acknowledged, failed) >= afterSave + 50,
          "writes after the backup");
      stop.set(true);
      writer.join(30_000);
      assertEquals(ExitCodes.OK, save.exitCode(), save.toString());
    }
    verifyAndRestore(file, acknowledged);
  }

  /** One writer, round-robin over the nodes: puts, and every seventh write a delete; records each revision. */
  private static void writeUntil(AtomicBoolean stop, LocalCluster source, List<Write> acknowledged) {
    for (int i = 0; !stop.get(); i++) {
      String key = "w/" + (i % 40);
      String address = source.httpAddress(i % 3);
      boolean delete = i % 7 == 6;
      HttpCalls.Reply r = delete
          ? source.http().send(address, "DELETE", "/v1/kv/" + key, null, null)
          : source.http().putJson(address, "/v1/kv/" + key, "{\"value\":\"v" + i + "\"}");
      if (r.status() != 200) {
        throw new AssertionError("write failed: " + r);
      }
      synchronized (acknowledged) {
        acknowledged.add(new Write(r.json().get("revision").asLong(), key, delete ? null : "v" + i));
      }
    }
  }

  private static void verifyAndRestore(Path file, List<Write> acknowledged) throws Exception {
    Path dir = file.getParent();
    BackupReader.Verified backup = BackupReader.verify(file);
    long revision = backup.header().revision();
    Map<String, Write> expected = stateAt(acknowledged, revision);
    assertTrue(acknowledged.stream().anyMatch(w -> w.revision() > revision), "writes continued after the backup");
    assertTrue(acknowledged.stream().anyMatch(w -> w.revision() <= revision), "writes came before the backup");

    Path restored = dir.resolve("b");
    for (int i = 1; i <= 3; i++) {
      Cli.Run run = Cli.run("snapshot", "restore", file.toString(), "--node.id=n" + i,
          "--raft.peers=n1=127.0.0.1:1,n2=127.0.0.1:2,n3=127.0.0.1:3", "--storage.data-dir=" + restored.resolve("n" + i));
      assertEquals(ExitCodes.OK, run.exitCode(), run.toString());
    }
    assertEquals(ExitCodes.USAGE, Cli.run("snapshot", "restore", file.toString(), "--node.id=n1",
        "--raft.peers=n1=127.0.0.1:1", "--storage.data-dir=" + restored.resolve("n1")).exitCode(), "never over data");

    try (LocalCluster copy = LocalCluster.startWithHttp(3, restored, Map.of())) {
      int leader = copy.waitForLeader(Duration.ofSeconds(20));
      String address = copy.httpAddress((leader + 1) % 3);
      JsonNode all = copy.http().get(address, "/v1/kv?prefix=w/&limit=1000").json();
      Map<String, Write> actual = new TreeMap<>();
      for (JsonNode kv : all.get("kvs")) {
        actual.put(kv.get("key").asText(), new Write(kv.get("mod_revision").asLong(), kv.get("key").asText(),
            kv.get("value").asText()));
      }
      assertEquals(expected, actual, "restored state = acknowledged writes up to revision " + revision);
      assertEquals(backup.entries(), actual.size());

      HttpCalls.Reply next = copy.http().putJson(address, "/v1/kv/after-restore", "{\"value\":\"x\"}");
      assertEquals(200, next.status(), next.body());
      assertTrue(next.json().get("revision").asLong() > revision, "revisions continue above the backup's: " + next.body());
      Write any = expected.values().iterator().next();
      HttpCalls.Reply cas = copy.http().putJson(address, "/v1/kv/" + any.key() + "?prev_revision=" + any.revision(),
          "{\"value\":\"cas\"}");
      assertEquals(200, cas.status(), "CAS against a backed-up mod revision: " + cas.body());
    }
  }

  /** How many writes were acknowledged; fails at once if the writer died. */
  private static int written(List<Write> writes, java.util.concurrent.atomic.AtomicReference<Throwable> failed) {
    if (failed.get() != null) {
      throw new AssertionError("the writer failed", failed.get());
    }
    synchronized (writes) {
      return writes.size();
    }
  }

  /** Replays the acknowledged writes with revision at or below {@code revision}, in revision order. */
  private static Map<String, Write> stateAt(List<Write> writes, long revision) {
    List<Write> sorted;
    synchronized (writes) {
      sorted = new ArrayList<>(writes);
    }
    sorted.sort((a, b) -> Long.compare(a.revision(), b.revision()));
    Map<String, Write> state = new TreeMap<>();
    for (Write w : sorted) {
      if (w.revision() > revision) {
        break;
      }
      if (w.value() == null) {
        state.remove(w.key());
      } else {
        state.put(w.key(), w);
      }
    }
    return state;
  }
}
