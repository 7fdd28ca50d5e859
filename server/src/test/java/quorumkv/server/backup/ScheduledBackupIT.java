package quorumkv.server.backup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import quorumkv.client.KvClient;
import quorumkv.server.PrometheusText;
import quorumkv.server.config.ConfigKeys;
import quorumkv.server.testing.Eventually;
import quorumkv.server.testing.LocalCluster;

/**
 * Scheduled backups on a 3-node cluster with a 4 s interval, while leadership moves: a transfer, and the
 * leader killed just after a slot begins (before or while it writes that slot's backup). Every slot from
 * the first backup to the last has exactly one file, none is missing, no temp file stays behind, every
 * node reports the newest verified backup through the replicated record, and the files restore.
 */
class ScheduledBackupIT {
  private static final long INTERVAL_MILLIS = 4_000;

  @TempDir
  Path dir;

  @Test
  void exactlyOneBackupPerSlotAcrossLeaderChanges() throws Exception {
    Path backups = Files.createDirectories(dir.resolve("backups"));
    Map<String, String> overrides = Map.of(ConfigKeys.BACKUP_DIR, backups.toString(),
        ConfigKeys.BACKUP_INTERVAL, INTERVAL_MILLIS + "ms", ConfigKeys.BACKUP_KEEP, "100",
        ConfigKeys.BACKUP_VERIFY_TIMEOUT, "60s");
    BackupFiles files;
    long firstSlot;
    long lastSlot;
    try (LocalCluster cluster = LocalCluster.startWithHttp(3, dir.resolve("c"), overrides)) {
      int leader = cluster.waitForLeader(Duration.ofSeconds(30));
      try (KvClient client = cluster.connect()) {
        for (int i = 0; i < 20; i++) {
          client.put("k" + i, "v" + i);
        }
        files = ClusterBackups.files(cluster, Duration.ofSeconds(20));
        BackupFiles ours = files;
        Eventually.assertTrue(Duration.ofSeconds(20), () -> slotsOf(ours).size() >= 1, "a first scheduled backup");
        firstSlot = slotsOf(files).first();
        System.out.printf("first backup: slot %d (leader n%d)%n", firstSlot, leader + 1);

        // A transfer in the middle of a slot.
        waitUntilSlotFraction(0.5);
        int target = (leader + 1) % 3;
        client.admin().transferLeadership(cluster.nodeId(target));
        client.put("after-transfer", "x");
        leader = cluster.waitForLeader(Duration.ofSeconds(20));
        System.out.printf("leadership moved to n%d in slot %d%n", leader + 1, slotNow());
        waitForSlotDone(cluster, slotNow());

        // The leader killed late in a slot: the next slot's backup falls to its successor.
        waitUntilSlotFraction(0.85);
        long killedBefore = slotNow() + 1;
        int killed = leader;
        cluster.stop(killed);
        System.out.printf("leader n%d killed before slot %d began%n", killed + 1, killedBefore);
        leader = cluster.waitForLeader(Duration.ofSeconds(20));
        waitForSlotDone(cluster, killedBefore);
        cluster.restart(killed);

        // The leader killed the moment its backup file is in place, before or after its record commits:
        // the successor either sees the slot done or retakes it under the same name.
        long raced = slotNow() + 1;
        Path racedFile = files.fileOf(raced * INTERVAL_MILLIS);
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!Files.exists(racedFile) && System.nanoTime() < deadline) {
          Thread.sleep(2);
        }
        int racer = cluster.waitForLeader(Duration.ofSeconds(5));
        long firstCreated = BackupReader.verify(racedFile).header().createdAtMillis();
        cluster.stop(racer);
        leader = cluster.waitForLeader(Duration.ofSeconds(20));
        cluster.restart(racer);
        waitForSlotDone(cluster, raced + 1);
        long finalCreated = BackupReader.verify(racedFile).header().createdAtMillis();
        System.out.printf("leader n%d killed as slot %d's file appeared; the successor %s%n", racer + 1, raced,
            finalCreated == firstCreated ? "found the slot recorded" : "retook the slot (same file name)");

        // One more slot with every node back.
        long until = slotNow() + 1;
        waitForSlotDone(cluster, until);
        lastSlot = until;

        TreeSet<Long> slots = slotsOf(files);
        List<Long> missing = new ArrayList<>();
        for (long s = firstSlot; s <= lastSlot; s++) {
          if (!slots.contains(s)) {
            missing.add(s);
          }
        }
        System.out.printf("slots %d..%d: files for %s%n", firstSlot, lastSlot, slots);
        assertEquals(List.of(), missing, "no slot without its backup across the transfer and the kill");
        assertEquals(slots.size(), files.list().size(), "one file per slot");

        // Every node reports the newest verified backup from the replicated record, in its metrics too.
        int now = leader;
        Eventually.assertTrue(Duration.ofSeconds(60), () -> everyNodeReportsAVerifiedBackup(cluster),
            () -> "every node reports a verified backup; leader n" + (now + 1) + ": " + cluster.describe());
        for (int i = 0; i < 3; i++) {
          PrometheusText.Parsed m = metricsOf(cluster, i);
          assertEquals(INTERVAL_MILLIS / 1000, (long) m.value("quorumkv_backup_interval_seconds"));
          assertEquals(1, (long) m.value("quorumkv_backup_last_verify_ok"), "n" + (i + 1));
          assertTrue(m.value("quorumkv_backup_last_success_timestamp_seconds") > 0, "n" + (i + 1));
          assertTrue(m.value("quorumkv_backup_last_revision") >= 20, "n" + (i + 1));
          assertTrue(m.value("quorumkv_backup_last_size_bytes") > 0, "n" + (i + 1));
          assertTrue(m.samples().containsKey("quorumkv_backup_failures_total"), "n" + (i + 1));
          assertEquals(0, (long) m.value("quorumkv_backup_verify_skipped_total"), "n" + (i + 1) + ": room to verify");
        }
      }
    }
    try (Stream<Path> s = Files.list(backups)) {
      List<String> temps = s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".part")).toList();
      assertEquals(List.of(), temps, "no temp file left behind");
    }
    for (Path file : files.list()) {
      BackupReader.Verified v = BackupReader.verify(file);
      assertEquals(3, v.version(), file.toString());
    }
  }

  /** Node {@code i}'s metrics; a scrape that times out is tried again (a loaded machine can miss the 2 s connect timeout). */
  private static PrometheusText.Parsed metricsOf(LocalCluster cluster, int i) {
    AtomicReference<String> body = new AtomicReference<>();
    Eventually.assertTrue(Duration.ofSeconds(60), () -> {
      body.set(cluster.http().get(cluster.opsAddress(i), "/metrics").body());
      return true;
    }, "n" + (i + 1) + "'s /metrics");
    return PrometheusText.parse(body.get());
  }

  private static boolean everyNodeReportsAVerifiedBackup(LocalCluster cluster) {
    for (int i = 0; i < 3; i++) {
      BackupStatus s = cluster.node(i).backupStatus();
      if (s.lastSuccessEpochSeconds() <= 0 || !s.lastVerifyOk()) {
        return false;
      }
    }
    return true;
  }

  private static long slotNow() {
    return System.currentTimeMillis() / INTERVAL_MILLIS;
  }

  /** Waits until the clock is {@code fraction} into a slot (the next one if already past it). */
  private static void waitUntilSlotFraction(double fraction) throws InterruptedException {
    long into = System.currentTimeMillis() % INTERVAL_MILLIS;
    long target = (long) (fraction * INTERVAL_MILLIS);
    Thread.sleep(into < target ? target - into : INTERVAL_MILLIS - into + target);
  }

  /** Waits until the file of {@code slot} is in place (a leader wrote it). */
  private static void waitForSlotDone(LocalCluster cluster, long slot) {
    Eventually.assertTrue(Duration.ofSeconds(30), () -> {
      for (int i = 0; i < cluster.size(); i++) {
        if (cluster.isRunning(i) && cluster.node(i).isLeader()) {
          return slotsOf(ClusterBackups.files(cluster, Duration.ofSeconds(5))).contains(slot);
        }
      }
      return false;
    }, () -> "slot " + slot + " backed up; " + cluster.describe());
  }

  private static TreeSet<Long> slotsOf(BackupFiles files) {
    TreeSet<Long> slots = new TreeSet<>();
    try {
      for (Path p : files.list()) {
        slots.add(files.slotStartOf(p) / INTERVAL_MILLIS);
      }
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    return slots;
  }
}
