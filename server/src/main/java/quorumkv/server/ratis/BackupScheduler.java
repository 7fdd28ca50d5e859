package quorumkv.server.ratis;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import quorumkv.raftlog.command.Request;
import quorumkv.raftlog.command.Request.BackupRecord.Outcome;
import quorumkv.raftlog.command.RequestCodec;
import quorumkv.raftlog.store.BackupLedger;
import quorumkv.server.backup.BackupFiles;
import quorumkv.server.backup.BackupFormat;
import quorumkv.server.backup.ScratchRoom;
import quorumkv.server.backup.Verification;
import quorumkv.server.config.ServerConfig;

/**
 * Scheduled backups: exactly one per interval slot across leader changes. Every node runs this; only a
 * leader that has applied everything committed acts. It takes the current slot unless the replicated
 * {@link BackupLedger} records it written: it writes the slot's file ({@link BackupFiles}: named by the
 * slot and this cluster's backup incarnation, so a retry replaces it and another cluster with the same id
 * writing into the same directory never does), commits a {@link Request.BackupRecord} {@code WRITTEN} through the log
 * once the file is durably in place, then verifies the file off the timer thread ({@link BackupDrill},
 * bounded by the verify timeout, in the backup settings' scratch directory and only when it has the room,
 * never in the data dir), commits the outcome and prunes old files. A leader that dies before
 * its record commits leaves the slot unrecorded, so its successor takes it again under the same name;
 * one that dies after leaves it done. Time decides only what the leader proposes; the replicas agree
 * through the log.
 */
final class BackupScheduler implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(BackupScheduler.class);
  /** How long {@link #close} waits for a running verification to stop (a scratch node starting may not see the interrupt at once). */
  static final long CLOSE_WAIT_MILLIS = 30_000;

  private final KvNode node;
  private final ServerConfig.BackupSettings settings;
  private final String clusterId;
  /** The incarnation this node proposes while the replicated record has none yet (see {@link Request.BackupRecord}). */
  private final long mintedIncarnation = newIncarnation();
  private final ScheduledExecutorService timer;
  private final VerificationQueue verifier;
  private final AtomicLong failures = new AtomicLong();
  private final AtomicLong verifySkipped = new AtomicLong();
  private final long tickMillis;
  private RaftClient client;
  private long retryAtMillis;
  private boolean closed;
  /** Set first thing in {@link #close}: an attempt cut short by closing is no failure of the backup. */
  private volatile boolean closing;

  BackupScheduler(KvNode node, ServerConfig.BackupSettings settings, String clusterId) {
    this.node = node;
    this.settings = settings;
    this.clusterId = clusterId;
    this.tickMillis = Math.max(100, Math.min(5_000, settings.interval().toMillis() / 10));
    String id = node.config().nodeId();
    this.timer = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "backup-scheduler-" + id));
    this.verifier = new VerificationQueue("backup-verifier-" + id, CLOSE_WAIT_MILLIS);
  }

  private static Thread daemon(Runnable r, String name) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    return t;
  }

  void start() {
    timer.scheduleWithFixedDelay(this::tick, tickMillis, tickMillis, TimeUnit.MILLISECONDS);
    LOG.info("node={}: scheduled backups every {}s into {} (keep {})", node.config().nodeId(),
        settings.interval().toSeconds(), settings.dir(), settings.keep());
  }

  /** Scheduled attempts of this node that failed to write or to verify. */
  long failures() {
    return failures.get();
  }

  /** Verifications this node did not run for want of room in the scratch directory (also counted as failures). */
  long verifySkipped() {
    return verifySkipped.get();
  }

  private synchronized void tick() {
    if (closed) {
      return;
    }
    long now = System.currentTimeMillis();
    long slot = settings.slotAt(now);
    try {
      var sm = node.stateMachine();
      if (now < retryAtMillis || sm == null || !leadingWithEverythingApplied()) {
        return;
      }
      BackupLedger ledger = sm.backups();
      if (slotDone(ledger, slot)) {
        return;
      }
      takeBackup(slot, ledger.incarnation() != 0 ? ledger.incarnation() : mintedIncarnation);
    } catch (IOException | RuntimeException e) {
      if (closing) {
        return;
      }
      failures.incrementAndGet();
      // Not at every tick while the destination is broken: a full disk or a lost mount is not fixed in 100 ms.
      retryAtMillis = now + Math.min(settings.interval().toMillis() / 4, 60_000);
      LOG.warn("node={}: the scheduled backup of slot {} failed ({}); trying again", node.config().nodeId(), slot,
          e.toString());
    }
  }

  /**
   * Whether the replicated record says {@code slot} (the current one by this node's clock) is backed up. Only
   * that exact slot counts: a later one was recorded by a leader whose clock ran fast, and must not stop
   * backups until this clock gets there (a backup taken now records the current slot over it).
   */
  static boolean slotDone(BackupLedger ledger, long slot) {
    return ledger.written().slot() == slot;
  }

  /** Leader, and applied up to the commit index: the ledger it reads has every record committed before its term. */
  private boolean leadingWithEverythingApplied() throws IOException {
    RaftServer.Division d = node.divisionOrNull();
    return d != null && d.getInfo().isLeader() && d.getInfo().isLeaderReady()
        && d.getInfo().getLastAppliedIndex() >= d.getRaftLog().getLastCommittedIndex();
  }

  private static long newIncarnation() {
    long incarnation = 0;
    while (incarnation == 0) {
      incarnation = new SecureRandom().nextLong();
    }
    return incarnation;
  }

  private void takeBackup(long slot, long incarnation) throws IOException {
    if (!Files.isDirectory(settings.dir())) {
      // Never create it: a missing mount would silently put the backups on this machine's own disk.
      throw new IOException("the backup directory " + settings.dir() + " does not exist (is its mount there?)");
    }
    BackupFiles files = new BackupFiles(settings.dir(), clusterId, incarnation);
    Path file = files.fileOf(settings.slotStart(slot));
    BackupFormat.Header header = node.exportBackup(file);
    long size = Files.size(file);
    Request.BackupRecord written = new Request.BackupRecord(Outcome.WRITTEN, slot, header.revision(), size,
        header.createdAtMillis(), incarnation);
    propose(written);
    LOG.info("node={}: backup of slot {} written: {} (revision {}, {} bytes)", node.config().nodeId(), slot,
        file.getFileName(), header.revision(), size);
    verifier.submit(() -> verify(files, file, written));
  }

  /**
   * Retention, once the newest backup's verification is recorded: never before, since a new backup that
   * then fails its verification must not have pushed the last good one out (keep=1 did).
   */
  private void prune(BackupFiles files, Path newestVerified) {
    try {
      for (Path gone : files.prune(settings.keep(), Math.max(600_000, 3 * settings.interval().toMillis()),
          newestVerified)) {
        LOG.info("node={}: backup retention deleted {}", node.config().nodeId(), gone.getFileName());
      }
    } catch (IOException e) {
      LOG.warn("node={}: backup retention failed: {}", node.config().nodeId(), e.toString());
    }
  }

  /** The file of the newest verified backup the replicated record knows among {@code files}, or null. */
  private Path newestVerifiedFile(BackupFiles files) {
    var sm = node.stateMachine();
    BackupLedger ledger = sm == null ? BackupLedger.NONE : sm.backups();
    long slot = ledger.verified().slot();
    return slot < 0 || ledger.incarnation() != files.incarnation() ? null : files.fileOf(settings.slotStart(slot));
  }

  private void verify(BackupFiles files, Path file, Request.BackupRecord written) {
    Verification v = drillIfRoom(file, written.sizeBytes());
    if (closing) {
      return; // cut short by closing: neither verified nor failed
    }
    if (v.ok()) {
      LOG.info("node={}: backup {} verified in {} ms: revision {}, {} keys, content hash {}", node.config().nodeId(),
          file.getFileName(), v.millis(), v.revision(), v.keys(), v.contentHash());
    } else {
      failures.incrementAndGet();
      LOG.error("node={}: backup {} FAILED its verification: {}", node.config().nodeId(), file.getFileName(), v.problem());
    }
    try {
      propose(outcomeRecord(written, v));
    } catch (IOException | RuntimeException e) {
      if (closing) {
        return;
      }
      LOG.warn("node={}: recording the verification of {} failed: {}", node.config().nodeId(), file.getFileName(),
          e.toString());
      return;   // no retention without a recorded outcome: the next backup's turn prunes
    }
    prune(files, v.ok() ? file : newestVerifiedFile(files));
  }

  /**
   * The drill's verdict, or, when its scratch directory lacks the room ({@link ScratchRoom}) or is missing, a
   * failure without a drill: the backup is then not verified, which the ledger records and the metrics show.
   */
  private Verification drillIfRoom(Path file, long sizeBytes) {
    Path scratch = settings.scratchDir();
    String problem;
    try {
      if (settings.verifyScratchDir() == null) {
        Files.createDirectories(scratch); // inside the backup directory, which exists
      }
      if (!Files.isDirectory(scratch)) {
        problem = "the scratch directory " + scratch + " does not exist (is its mount there?)";
      } else {
        for (Path gone : BackupDrill.deleteStale(scratch, settings.verifyTimeout().multipliedBy(2).plusMinutes(10))) {
          LOG.warn("node={}: deleted {}, left by a backup verification that was killed", node.config().nodeId(), gone);
        }
        problem = ScratchRoom.problem(scratch, sizeBytes, node.config().dataDir(), node.condition().floorBytes(),
            ScratchRoom.Disks.LOCAL);
      }
    } catch (IOException | RuntimeException e) {
      problem = "checking the scratch directory " + scratch + " failed: " + e;
    }
    if (problem == null) {
      return BackupDrill.verify(file, scratch, settings.verifyTimeout());
    }
    verifySkipped.incrementAndGet();
    return Verification.failed("the verification was not run: " + problem, 0);
  }

  /**
   * The record of a verification's outcome. A success describes the backup the drill read and restored, which
   * is what it proved: a retake of the slot may have replaced the file {@code written} describes since. A
   * failure proved nothing about any revision and keeps the written one.
   */
  static Request.BackupRecord outcomeRecord(Request.BackupRecord written, Verification v) {
    return v.ok()
        ? new Request.BackupRecord(Outcome.VERIFIED, written.slot(), v.revision(), v.sizeBytes(), v.createdAtMillis(),
            written.incarnation())
        : new Request.BackupRecord(Outcome.VERIFY_FAILED, written.slot(), written.revision(), written.sizeBytes(),
            written.createdAtMillis(), written.incarnation());
  }

  /** Commits {@code record} through the leader (this node, usually), waiting for it. */
  private synchronized void propose(Request.BackupRecord record) throws IOException {
    if (closed) {
      throw new IOException("closing");
    }
    if (client == null) {
      client = node.newMemberClient(false, 5);
    }
    try {
      RaftClientReply reply = client.io().send(Message.valueOf(ByteString.copyFrom(RequestCodec.encode(record))));
      if (!reply.isSuccess()) {
        throw new IOException(String.valueOf(reply.getException()));
      }
    } catch (IOException | RuntimeException e) {
      KvNode.closeQuietly(client); // a Ratis client that used up its retries may stay broken
      client = null;
      throw e;
    }
  }

  /**
   * Stops the timer and a running verification, and waits (at most {@link #CLOSE_WAIT_MILLIS}) until the
   * verification has closed its scratch node and deleted its directory: it must not outlive the server.
   */
  @Override
  public void close() {
    closing = true;
    timer.shutdownNow();
    try {
      // The interrupt makes a running drill stop waiting, close its scratch node and delete its directory.
      if (!verifier.stop()) {
        LOG.warn("node={}: a backup verification did not stop within {} ms of closing", node.config().nodeId(),
            CLOSE_WAIT_MILLIS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    synchronized (this) {
      closed = true;
      KvNode.closeQuietly(client);
      client = null;
    }
  }
}
