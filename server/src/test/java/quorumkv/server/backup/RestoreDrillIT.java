package quorumkv.server.backup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import quorumkv.client.KvClient;
import quorumkv.client.KvResult;
import quorumkv.raftlog.command.Bytes;
import quorumkv.raftlog.command.KeyValue;
import quorumkv.server.cli.Cli;
import quorumkv.server.cli.ExitCodes;
import quorumkv.server.config.ConfigKeys;
import quorumkv.server.testing.Eventually;
import quorumkv.server.testing.LocalCluster;

/**
 * The restore drill: a cluster under a bounded writer backs up on schedule and is destroyed; the newest
 * verified backup (revision R) is restored with {@code snapshot restore} into a new 3-node cluster. Every
 * write acknowledged at a revision at or below R is there with its value, nothing written above R is. The
 * measured recovery point (writes lost, and time from the backup to the disaster) and recovery time
 * (restore until the new cluster serves) are printed.
 */
class RestoreDrillIT {
  private static final long INTERVAL_MILLIS = 3_000;

  @TempDir
  Path dir;

  /** One acknowledged put: its revision, key and value, and when it was acknowledged. */
  record Write(long revision, String key, String value, long ackedAtMillis) {}

  @Test
  void theNewestVerifiedBackupRestoresIntoANewClusterExactlyAtItsRevision() throws Exception {
    Path backups = Files.createDirectories(dir.resolve("backups"));
    List<Write> acked = new ArrayList<>();
    BackupStatus newest;
    long destroyedAtMillis;
    String clusterId;
    long incarnation;
    try (LocalCluster source = LocalCluster.start(3, dir.resolve("source"), Map.of(ConfigKeys.BACKUP_DIR,
        backups.toString(), ConfigKeys.BACKUP_INTERVAL, INTERVAL_MILLIS + "ms", ConfigKeys.BACKUP_VERIFY_TIMEOUT, "60s"))) {
      clusterId = source.clusterId();
      source.waitForLeader(Duration.ofSeconds(30));
      AtomicBoolean stop = new AtomicBoolean();
      AtomicReference<Throwable> failed = new AtomicReference<>();
      Thread writer = new Thread(() -> {
        try (KvClient client = source.connect()) {
          write(client, stop, acked);
        } catch (Throwable t) {
          failed.set(t);
        }
      }, "restore-drill-writer");
      writer.start();
      // A verified backup taken well into the writes (every key written at least once), then the disaster
      // strikes at a random point of a later slot.
      Eventually.assertTrue(Duration.ofSeconds(90), () -> newestVerified(source).lastRevision() >= 120
          || failed.get() != null, () -> "a verified scheduled backup at revision 120 or above; " + source.describe());
      incarnation = ClusterBackups.incarnation(source, Duration.ofSeconds(10));
      Thread.sleep((long) (Math.random() * INTERVAL_MILLIS));
      newest = newestVerified(source);
      destroyedAtMillis = System.currentTimeMillis();
      stop.set(true);
      writer.join(30_000);
      if (failed.get() != null) {
        throw new AssertionError("the writer failed", failed.get());
      }
    } // the whole cluster is gone: its nodes and data dirs are never used again

    Path file = fileWithRevision(new BackupFiles(backups, clusterId, incarnation), newest.lastRevision());
    Map<Path, String> sourceFiles = digests(backups);
    long revision = newest.lastRevision();
    Map<String, Write> expected = stateAt(acked, revision);
    long lost = acked.stream().filter(w -> w.revision() > revision).count();
    assertTrue(lost > 0 && acked.size() - lost > 0, "writes before and after R (" + acked.size() + " acked, " + lost + " after R)");

    long restoreStarted = System.nanoTime();
    Path restored = dir.resolve("restored");
    for (int i = 1; i <= 3; i++) {
      Cli.Run run = Cli.run("snapshot", "restore", file.toString(), "--node.id=n" + i,
          "--raft.peers=n1=127.0.0.1:1,n2=127.0.0.1:2,n3=127.0.0.1:3", "--cluster.id=" + clusterId,
          "--storage.data-dir=" + restored.resolve("n" + i));
      assertEquals(ExitCodes.OK, run.exitCode(), run.toString());
    }
    // The new cluster backs up into the same directory, with keep=1: it must neither replace nor delete any
    // file of the cluster it was restored from (same cluster id, an older incarnation).
    try (LocalCluster copy = LocalCluster.start(3, restored, Map.of(ConfigKeys.CLUSTER_ID, clusterId,
        ConfigKeys.BACKUP_DIR, backups.toString(), ConfigKeys.BACKUP_INTERVAL, INTERVAL_MILLIS + "ms",
        ConfigKeys.BACKUP_KEEP, "1", ConfigKeys.BACKUP_VERIFY_TIMEOUT, "60s"))) {
      copy.waitForLeader(Duration.ofSeconds(30));
      Map<String, Write> actual = new TreeMap<>();
      try (KvClient client = copy.connect()) {
        KvResult.Range all = client.range(Bytes.utf8("w/"), Bytes.utf8("w/").prefixEnd(), 1_000,
            quorumkv.client.ReadConsistency.LINEARIZABLE);
        long rto = (System.nanoTime() - restoreStarted) / 1_000_000;
        for (KeyValue kv : all.keyValues()) {
          actual.put(kv.key().toStringUtf8(), new Write(kv.modRevision(), kv.key().toStringUtf8(),
              kv.value().toStringUtf8(), 0));
        }
        assertEquals(expected, actual, "the restored state is every acknowledged write up to R=" + revision
            + " and none above it");
        KvResult.Put next = client.put("w/after-restore", "x");
        assertTrue(next.revision() > revision, "revisions continue above R");
        long backupAgeAtDisaster = destroyedAtMillis - newestCreatedMillis(file);
        System.out.printf("RESTORE DRILL: interval %d ms; %d writes acknowledged; newest verified backup at revision"
            + " %d (%d keys, %d bytes); RPO: %d acknowledged writes lost, the backup was %d ms old when the cluster"
            + " was destroyed; RTO: %d ms from `snapshot restore` of 3 nodes to the first linearizable read of the"
            + " new cluster%n", INTERVAL_MILLIS, acked.size(), revision, actual.size(), newest.lastSizeBytes(), lost,
            backupAgeAtDisaster, rto);
      }
      BackupFiles copyFiles = ClusterBackups.files(copy, Duration.ofSeconds(30));
      assertTrue(copyFiles.incarnation() != incarnation, "a new incarnation");
      AtomicReference<Path> first = new AtomicReference<>();
      Eventually.assertTrue(Duration.ofSeconds(30), () -> {
        List<Path> now = list(copyFiles);
        first.set(now.isEmpty() ? null : now.get(0));
        return first.get() != null;
      }, "the new cluster's first backup");
      Path copyFirst = first.get();
      Eventually.assertTrue(Duration.ofSeconds(60), () -> !Files.exists(copyFirst),
          () -> "the new cluster's retention (keep=1) deleted its own first backup; " + copy.describe());
      for (Map.Entry<Path, String> old : sourceFiles.entrySet()) {
        assertTrue(Files.exists(old.getKey()), "the older incarnation's " + old.getKey().getFileName() + " is not deleted");
        assertEquals(old.getValue(), sha256(old.getKey()), "nor replaced: " + old.getKey().getFileName());
      }
    }
    Cli.Run verify = Cli.run("backup", "verify", file.toString(), "--scratch-dir", dir.toString());
    assertEquals(ExitCodes.OK, verify.exitCode(), verify.toString());
    assertTrue(verify.out().contains("revision " + revision + ","), verify.toString());
  }

  /** Puts over 60 keys (each overwritten many times) until told to stop, at most 20,000 or 2 minutes. */
  private static void write(KvClient client, AtomicBoolean stop, List<Write> acked) {
    long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
    for (int i = 0; !stop.get() && i < 20_000 && System.nanoTime() < deadline; i++) {
      String key = "w/" + (i % 60);
      String value = "v" + i;
      KvResult.Put put = client.put(key, value);
      synchronized (acked) {
        acked.add(new Write(put.revision(), key, value, System.currentTimeMillis()));
      }
    }
  }

  private static BackupStatus newestVerified(LocalCluster cluster) {
    return cluster.node(cluster.waitForLeader(Duration.ofSeconds(10))).backupStatus();
  }

  private static Path fileWithRevision(BackupFiles files, long revision) throws Exception {
    for (Path p : files.list()) {
      if (BackupReader.verify(p).header().revision() == revision) {
        return p;
      }
    }
    throw new AssertionError("no backup file at revision " + revision + " in " + files.list());
  }

  private static List<Path> list(BackupFiles files) {
    try {
      return files.list();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** Every regular file in {@code dir} with the SHA-256 of its bytes. */
  private static Map<Path, String> digests(Path dir) throws Exception {
    Map<Path, String> all = new TreeMap<>();
    try (java.util.stream.Stream<Path> s = Files.list(dir)) {
      for (Path p : (Iterable<Path>) s.filter(Files::isRegularFile)::iterator) {
        all.put(p, sha256(p));
      }
    }
    assertTrue(!all.isEmpty(), "the source cluster's backups");
    return all;
  }

  private static String sha256(Path file) throws Exception {
    return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
  }

  private static long newestCreatedMillis(Path file) throws Exception {
    return BackupReader.verify(file).header().createdAtMillis();
  }

  /** The acknowledged puts at or below {@code revision}, replayed in revision order. */
  private static Map<String, Write> stateAt(List<Write> writes, long revision) {
    List<Write> sorted;
    synchronized (writes) {
      sorted = new ArrayList<>(writes);
    }
    sorted.sort((a, b) -> Long.compare(a.revision(), b.revision()));
    Map<String, Write> state = new TreeMap<>();
    for (Write w : sorted) {
      if (w.revision() <= revision) {
        state.put(w.key(), new Write(w.revision(), w.key(), w.value(), 0));
      }
    }
    return state;
  }
}
