package quorumkv.server.ratis;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import quorumkv.raftlog.store.ContentHash;
import quorumkv.server.backup.BackupFormat;
import quorumkv.server.backup.BackupReader;
import quorumkv.server.backup.Restore;
import quorumkv.server.backup.Verification;
import quorumkv.server.config.ConfigKeys;
import quorumkv.server.config.ConfigLoader;
import quorumkv.server.config.PortInUseException;
import quorumkv.server.config.ServerConfig;
import quorumkv.server.tls.DevPki;

/**
 * A disaster-recovery drill on one backup file: checks its structure and SHA-256 (and that its entries
 * match the content hash it records), restores it into a scratch directory, starts a real single-member
 * node from it in this process, has that node recompute the content hash through its state machine, and
 * compares. The scratch node listens on loopback only, on free ports, with mutual TLS under a throwaway
 * CA made in the scratch directory (nobody else holds a certificate it accepts); the directory is deleted
 * afterwards. Bounded by a deadline; runs on the caller's thread (never a Raft thread).
 */
public final class BackupDrill {
  private static final Logger LOG = LoggerFactory.getLogger(BackupDrill.class);
  static final String NODE_ID = "backup-verify";
  /** The scratch directories' name prefix (one per drill, deleted after it). */
  static final String SCRATCH_PREFIX = "qkv-verify-";
  /** Tries of a verification whose scratch node found one of its chosen free ports taken meanwhile. */
  private static final int PORT_ATTEMPTS = 3;

  private BackupDrill() {}

  /**
   * Verifies {@code file} in a scratch directory made under {@code scratchParent}, within {@code timeout}.
   * An interrupt (the scheduler closing) cuts it short: the scratch node is closed and the directory deleted
   * before this returns.
   */
  public static Verification verify(Path file, Path scratchParent, Duration timeout) {
    return verify(file, scratchParent, timeout, BackupDrill::freeLoopbackPorts);
  }

  /** Chooses the scratch node's loopback ports (Raft, HTTP, ops): free when chosen, not necessarily when used. */
  @FunctionalInterface
  interface PortChooser {
    List<Integer> choose(int count) throws IOException;
  }

  /** {@link #verify(Path, Path, Duration)} with the ports from {@code ports} (a test's seam). */
  static Verification verify(Path file, Path scratchParent, Duration timeout, PortChooser ports) {
    long started = System.nanoTime();
    long deadline = started + timeout.toNanos();
    BackupReader.Verified read;
    long size;
    try {
      read = BackupReader.verify(file);
      size = Files.size(file);
    } catch (IOException | RuntimeException e) {
      return Verification.failed(e.getMessage(), elapsed(started));
    }
    for (int attempt = 1; ; attempt++) {
      Path scratch = null;
      try {
        Files.createDirectories(scratchParent);
        scratch = Files.createTempDirectory(scratchParent, SCRATCH_PREFIX);
        ServerConfig config = scratchConfig(scratch, read.header().clusterId(), ports.choose(3));
        if (!Restore.into(file, config).header().equals(read.header())) {
          return outcome(read, size, "the file was replaced while it was verified", started);
        }
        if (Thread.currentThread().isInterrupted()) {
          return outcome(read, size, "interrupted (the node is stopping)", started);
        }
        if (System.nanoTime() >= deadline) {
          return outcome(read, size, "restoring it took longer than " + timeout.toSeconds() + "s", started);
        }
        KvNode node = KvNode.start(config);
        ContentHash.Result computed;
        try {
          computed = contentHashWhenLeading(node, deadline);
        } finally {
          closeUninterrupted(node);
        }
        return outcome(read, size, problemOf(read, computed, timeout), started);
      } catch (IOException | RuntimeException e) {
        // The free ports were chosen by binding and releasing them: another process may take one in
        // between (CI at 644716b: "port 44129 is in use"). Fresh ports, a fresh scratch, a few times.
        if (attempt < PORT_ATTEMPTS && e instanceof PortInUseException && System.nanoTime() < deadline) {
          continue;
        }
        return outcome(read, size, "restoring it into a scratch node failed: " + e.getMessage(), started);
      } finally {
        deleteTree(scratch);
      }
    }
  }

  /** Why the hash the restored node computed does not prove the backup; null when it does. */
  private static String problemOf(BackupReader.Verified read, ContentHash.Result computed, Duration timeout) {
    String hash = ContentHash.hex(read.expectedContentHash());
    if (computed == null) {
      return Thread.currentThread().isInterrupted() ? "interrupted (the node is stopping)"
          : "the scratch node restored from it did not compute its content hash within " + timeout.toSeconds() + "s";
    }
    if (!MessageDigest.isEqual(computed.hash(), read.expectedContentHash())) {
      return "the node restored from it computed content hash " + ContentHash.hex(computed.hash())
          + " over " + computed.keys() + " keys; the backup records " + hash + " over " + read.entries() + " keys";
    }
    if (computed.revision() < read.header().revision()) {
      return "the node restored from it is at revision " + computed.revision() + ", below the backup's "
          + read.header().revision();
    }
    return null;
  }

  /** The outcome for the file the drill read ({@code problem} null: verified). */
  private static Verification outcome(BackupReader.Verified read, long size, String problem, long started) {
    BackupFormat.Header h = read.header();
    return new Verification(problem == null, h.clusterId(), h.revision(), read.entries(),
        ContentHash.hex(read.expectedContentHash()), h.createdAtMillis(), size, problem, elapsed(started));
  }

  /** The content hash once the node leads its one-member group and its store is open; null at the deadline. */
  private static ContentHash.Result contentHashWhenLeading(KvNode node, long deadline) throws IOException {
    while (System.nanoTime() < deadline) {
      if (node.isLeader() && node.appliedIndex() >= 0) {
        try {
          return node.contentHash();
        } catch (StoreBusyException e) {
          // the store is still opening
        }
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return null;
      }
    }
    return null;
  }

  /** One member on loopback, TLS from a CA made here for this drill only. */
  private static ServerConfig scratchConfig(Path scratch, String clusterId, List<Integer> ports) throws IOException {
    DevPki pki = DevPki.openOrCreate(scratch.resolve("pki"), "backup verify (throwaway)");
    pki.issueNode(NODE_ID, List.of(), Duration.ofDays(1));
    Map<String, String> s = new HashMap<>();
    s.put(ConfigKeys.NODE_ID, NODE_ID);
    s.put(ConfigKeys.CLUSTER_ID, clusterId);
    s.put(ConfigKeys.PEERS, NODE_ID + "=127.0.0.1:" + ports.get(0));
    s.put(ConfigKeys.RAFT_BIND_HOST, "127.0.0.1");
    s.put(ConfigKeys.DATA_DIR, scratch.resolve("data").toString());
    // The node runs without HTTP; these only have to be valid, and loopback.
    s.put(ConfigKeys.HTTP_PORT, String.valueOf(ports.get(1)));
    s.put(ConfigKeys.OPS_PORT, String.valueOf(ports.get(2)));
    s.put(ConfigKeys.HTTP_BIND_HOST, "127.0.0.1");
    // The drill must not fail for want of the room a long-lived node keeps for snapshots and segments.
    s.put(ConfigKeys.FREE_SPACE_FLOOR, "1MB");
    s.put(ConfigKeys.TLS_CA_FILE, pki.dir().resolve(DevPki.CA_CERT).toString());
    s.put(ConfigKeys.TLS_CERT_FILE, pki.dir().resolve(NODE_ID + ".pem").toString());
    s.put(ConfigKeys.TLS_KEY_FILE, pki.dir().resolve(NODE_ID + ".key").toString());
    return ConfigLoader.fromMap(s);
  }

  static List<Integer> freeLoopbackPorts(int count) throws IOException {
    List<ServerSocket> held = new ArrayList<>();
    try {
      List<Integer> ports = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        held.add(s);
        ports.add(s.getLocalPort());
      }
      return ports;
    } finally {
      for (ServerSocket s : held) {
        s.close();
      }
    }
  }

  /**
   * Deletes the scratch directories under {@code scratchParent} last changed more than {@code olderThan} ago:
   * left by a drill whose process was killed (a whole restored store each). A drill that is still running,
   * here or on another node sharing the directory, is younger than its deadline. Returns the deleted ones.
   */
  static List<Path> deleteStale(Path scratchParent, Duration olderThan) throws IOException {
    List<Path> deleted = new ArrayList<>();
    if (!Files.isDirectory(scratchParent)) {
      return deleted;
    }
    long cutoff = System.currentTimeMillis() - olderThan.toMillis();
    try (Stream<Path> s = Files.list(scratchParent)) {
      for (Path p : (Iterable<Path>) s::iterator) {
        if (p.getFileName().toString().startsWith(SCRATCH_PREFIX) && Files.isDirectory(p)
            && Files.getLastModifiedTime(p).toMillis() < cutoff) {
          deleteTree(p);
          deleted.add(p);
        }
      }
    }
    return deleted;
  }

  /** Closes the scratch node whole even when the drill was interrupted (an interrupt would cut its shutdown short). */
  private static void closeUninterrupted(KvNode node) throws IOException {
    boolean interrupted = Thread.interrupted();
    try {
      node.close();
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private static void deleteTree(Path dir) {
    if (dir == null) {
      return;
    }
    try (Stream<Path> all = Files.walk(dir)) {
      for (Path p : (Iterable<Path>) all.sorted(Comparator.reverseOrder())::iterator) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      LOG.warn("could not delete the backup verification's scratch dir {}: {}", dir, e.toString());
    }
  }

  private static long elapsed(long startedNanos) {
    return (System.nanoTime() - startedNanos) / 1_000_000;
  }
}
