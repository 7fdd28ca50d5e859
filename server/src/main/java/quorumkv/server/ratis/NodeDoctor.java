package quorumkv.server.ratis;

import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.ratis.proto.RaftProtos.RaftPeerRole;
import org.apache.ratis.protocol.ClientId;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.protocol.TransferLeadershipRequest;
import org.apache.ratis.server.RaftServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import quorumkv.raftlog.statemachine.KvStateMachine;
import quorumkv.server.config.ServerConfig;
import quorumkv.server.status.NodeCondition;
import quorumkv.server.status.NodeCondition.MemberState;
import quorumkv.server.status.StorageSizes;

/**
 * The node's self-check, once per {@code quorumkv.storage.check-interval} on its own thread: it measures
 * free space against the floor and looks at the Raft member, heals what it can, and publishes a
 * {@link NodeCondition} for {@code /ready}, {@code /health} and the metrics.
 *
 * <p>Below the floor (etcd's NOSPACE alarm, but per node and self-clearing): the node tells its state
 * machine (a leader then refuses writes with NODE_DEGRADED), pauses its own leader election (Ratis's
 * leader-election pause), raises its no-space alarm through the log (every leader then counts it, and
 * refuses writes with NO_SPACE once fewer than a majority of voters has space), hands leadership to a
 * voter with space, and, once its alarm is committed and the voters with space are a majority without
 * it, stops its Raft member so that the log it can no longer hold stops growing. With space back it
 * restarts the member from its own log (it catches up from the leader), resumes elections and clears
 * its alarm. A member whose log Ratis failed ({@code notifyLogFailed}, e.g. ENOSPC between checks) or
 * whose apply thread failed is restarted the same way once the disk has room: the floor plus its resume
 * margin, since such a failure most likely came from a full disk. A restart that fails is tried again at
 * each check until the member runs, with the reason on {@code /ready}.
 *
 * <p>A member shut down by the cluster is left to {@link KvNode}'s rejoin, which first asks the leader
 * whether this node is still a member.
 */
final class NodeDoctor implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(NodeDoctor.class);
  private static final long MIB = 1024 * 1024;
  /** Leave the degraded state only this far above the floor, so a node does not flap around it. */
  private static final long MIN_MARGIN = 4 * MIB;
  private static final long TRANSFER_EVERY_NANOS = TimeUnit.SECONDS.toNanos(3);

  private final KvNode node;
  private final ServerConfig config;
  private final RaftPeerId self;
  private final ScheduledExecutorService timer;
  private final AlarmSender alarms;
  private final WithheldEntriesWatch withheldEntries;

  // Touched only on the doctor's thread.
  private boolean belowFloor;
  private boolean stoppedForSpace;
  /**
   * This doctor took the member down or saw it fail, and has not seen it run since. A restart that fails
   * half way leaves a new state machine without a failure of its own (Ratis builds it before the store
   * opens): without this, that member would look shut down by the cluster and never be tried again.
   */
  private boolean restartOwed;
  private boolean waitingForRoom;
  /** Set when only a process restart can help: a failed start left Ratis holding the member's storage. */
  private String needsProcessRestart;
  private KvStateMachine electionPausedFor;
  private long lastTransferNanos;
  private long causeGoneSinceNanos = -1;
  private String lastRestartFailure;
  private long restarts;

  private volatile NodeCondition condition = NodeCondition.unchecked();
  private volatile long lastTickNanos = System.nanoTime();
  private volatile boolean closed;

  NodeDoctor(KvNode node) {
    this.node = node;
    this.config = node.config();
    this.self = RaftPeerId.valueOf(config.nodeId());
    this.timer = Executors.newSingleThreadScheduledExecutor(
        new DefaultThreadFactory("quorumkv-" + config.nodeId() + "-doctor", true));
    this.alarms = new AlarmSender(node);
    this.withheldEntries = new WithheldEntriesWatch(node, config);
  }

  void start() {
    timer.scheduleWithFixedDelay(this::tickSafely, 0, config.disk().checkInterval().toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Ratis failed the log: check now rather than at the next tick. */
  void logFailed() {
    if (!closed) {
      timer.execute(this::tickSafely);
    }
  }

  /** The last check's findings; {@code notAlive} also covers a self-check that stopped running. */
  NodeCondition condition() {
    NodeCondition c = condition;
    long wedgeNanos = Math.max(config.disk().recoveryDeadline().toNanos(), 10 * config.disk().checkInterval().toNanos());
    long silentNanos = System.nanoTime() - lastTickNanos;
    if (c.notAlive() == null && !closed && silentNanos > wedgeNanos) {
      return new NodeCondition(c.freeBytes(), c.floorBytes(), c.belowFloor(), c.memberState(), c.noSpaceAlarms(),
          c.memberRestarts(), c.notReady(), "the node's self-check has not run for "
          + TimeUnit.NANOSECONDS.toSeconds(silentNanos) + " s: the node is wedged; restart it");
    }
    return c;
  }

  private void tickSafely() {
    try {
      if (!closed) {
        tick();
      }
    } catch (RuntimeException e) {
      LOG.warn("node={}: self-check failed: {}", config.nodeId(), e.toString());
    } finally {
      lastTickNanos = System.nanoTime();
    }
  }

  private void tick() {
    long free = freeBytes(config.dataDir());
    long floor = config.disk().floorFor(config.raft().segmentSizeBytes(),
        StorageSizes.measure(config.dbDir(), config.raftDir()).rocksdbSst());
    boolean low = free >= 0 && free < (belowFloor ? resumeAt(floor) : floor);
    if (low != belowFloor) {
      belowFloor = low;
      if (low) {
        LOG.error("node={}: free space {} in {} is below the floor of {}: degraded (no writes through this"
            + " node, no leadership, its Raft member stops if the others can go on); it resumes by itself when"
            + " space returns", config.nodeId(), size(free), config.dataDir(), size(floor));
      } else {
        LOG.warn("node={}: free space {} is back above the floor of {}: resuming", config.nodeId(), size(free),
            size(floor));
      }
    }
    KvStateMachine sm = node.stateMachine();
    if (sm != null) {
      sm.setLocalNoSpace(low);
    }
    MemberState member = memberState(sm);
    restartOwed = member != MemberState.RUNNING && restartable(member, sm);   // restartable counts an owed one
    boolean tight = free >= 0 && free < resumeAt(floor);
    trackProblem(member, sm, tight);
    waitingForRoom = false;
    if (low) {
      whileLow(sm, member);
    } else {
      whileSpace(sm, member, tight);
      member = memberState(node.stateMachine());
    }
    publish(free, floor, member);
  }

  private MemberState memberState(KvStateMachine sm) {
    if (stoppedForSpace) {
      return MemberState.STOPPED_FOR_SPACE;
    }
    RaftServer.Division division = node.divisionOrNull();
    if (division == null || !division.getInfo().isAlive() || sm == null || !sm.isStoreOpen()) {
      return MemberState.DOWN;
    }
    return sm.logFailure() != null ? MemberState.LOG_FAILED : MemberState.RUNNING;
  }

  /**
   * Whether this doctor restarts the member: it stopped it, or Ratis failed its log or its apply. A member
   * closed for any other reason (the cluster shut it down, the node is closing) is not its business.
   */
  private boolean restartable(MemberState member, KvStateMachine sm) {
    return restartOwed || member == MemberState.STOPPED_FOR_SPACE || member == MemberState.LOG_FAILED
        || (member == MemberState.DOWN && sm != null && (sm.applyFailure() != null || sm.logFailure() != null));
  }

  /** @param tight free space is below {@link #resumeAt}: the likely cause of a failure is not gone yet */
  private void trackProblem(MemberState member, KvStateMachine sm, boolean tight) {
    long now = System.nanoTime();
    boolean waiting = restartable(member, sm) && !tight;
    causeGoneSinceNanos = waiting ? (causeGoneSinceNanos < 0 ? now : causeGoneSinceNanos) : -1;
  }

  private void whileLow(KvStateMachine sm, MemberState member) {
    if (member != MemberState.RUNNING) {
      return; // nothing to do until space returns
    }
    pauseElection(sm, true);
    Set<String> raised = sm.noSpaceAlarms();
    if (!raised.contains(config.nodeId())) {
      alarms.send(true, sm.getLastAppliedTermIndex().getIndex());
      return;
    }
    if (node.isLeader()) {
      handOverLeadership(raised);
    } else if (othersCanGoOn(raised)) {
      LOG.warn("node={}: below the free-space floor with its alarm committed; the voters with space are a majority"
          + " without it: stopping its Raft member until space returns", config.nodeId());
      if (node.stopMember()) {
        stoppedForSpace = true;
        electionPausedFor = null;
      }
    }
  }

  /** Free bytes at which a degraded node resumes, and a failed member is restarted. */
  private static long resumeAt(long floor) {
    return floor + Math.max(floor / 10, MIN_MARGIN);
  }

  /**
   * @param tight free space is above the floor but below {@link #resumeAt}: a member that failed waits
   *     (it most likely failed for space, and a restart on an almost full disk fails again half way)
   */
  private void whileSpace(KvStateMachine sm, MemberState member, boolean tight) {
    if (member != MemberState.RUNNING && !restartable(member, sm)) {
      return; // closed by the cluster (KvNode's rejoin decides) or by the node itself
    }
    waitingForRoom = member != MemberState.RUNNING && tight;
    if (waitingForRoom || needsProcessRestart != null) {
      return;
    }
    if (member != MemberState.RUNNING) {
      String why = member == MemberState.STOPPED_FOR_SPACE ? "space is back" : describe(member, sm)
          + " and the disk has room";
      if (lastRestartFailure == null) {
        LOG.warn("node={}: restarting its Raft member: {}", config.nodeId(), why);
      }
      try {
        node.restartMember();
        restarts++;
        stoppedForSpace = false;
        electionPausedFor = null;
        lastRestartFailure = null;
        LOG.warn("node={}: Raft member restarted from its own log; it catches up from the leader", config.nodeId());
      } catch (IOException | RuntimeException e) {
        if (!e.toString().equals(lastRestartFailure)) { // once per cause, not once per check
          LOG.error("node={}: restarting the Raft member failed: {}; trying again at each check", config.nodeId(),
              e.toString());
        }
        lastRestartFailure = e.toString();
        if (String.valueOf(e.getMessage()).contains("already locked")) {
          // Ratis's message when this process still holds the member's storage lock: a start that failed
          // inside Ratis never released it, and nothing in process can (KvNode checks the store first).
          needsProcessRestart = "a failed start of the Raft member left its storage locked in this process ("
              + e.getMessage() + "): restart the node";
          LOG.error("node={}: {}", config.nodeId(), needsProcessRestart);
        }
      }
      return;
    }
    pauseElection(sm, false);
    if (sm.noSpaceAlarms().contains(config.nodeId())) {
      alarms.send(false, sm.getLastAppliedTermIndex().getIndex());
    }
    withheldEntries.check();
  }

  private void pauseElection(KvStateMachine sm, boolean pause) {
    if ((electionPausedFor == sm) == pause) {
      return;
    }
    String[] problem = new String[1];
    if (ElectionPause.set(node, pause, problem)) {
      electionPausedFor = pause ? sm : null;
      LOG.info("node={}: leader election {}", config.nodeId(), pause ? "paused (degraded)" : "resumed");
    } else if (problem[0] != null) {
      LOG.warn("node={}: could not {} leader election: {}", config.nodeId(), pause ? "pause" : "resume", problem[0]);
    }
  }

  /** Transfers leadership to a voter whose alarm is not raised; without one, stays (writes are refused anyway). */
  private void handOverLeadership(Set<String> raised) {
    long now = System.nanoTime();
    if (now - lastTransferNanos < TRANSFER_EVERY_NANOS) {
      return;
    }
    RaftPeer target = voters().stream()
        .filter(p -> !p.getId().equals(self) && !raised.contains(p.getId().toString())).findFirst().orElse(null);
    if (target == null) {
      return;
    }
    lastTransferNanos = now;
    LOG.warn("node={}: leader below its free-space floor: transferring leadership to {}", config.nodeId(), target.getId());
    try {
      RaftClientReply reply = node.server().transferLeadership(new TransferLeadershipRequest(ClientId.randomId(), self,
          node.groupId(), 0, target.getId(), 2_000));
      if (!reply.isSuccess()) {
        LOG.warn("node={}: leadership transfer to {} failed: {}", config.nodeId(), target.getId(), reply.getException());
      }
    } catch (IOException | RuntimeException e) {
      LOG.warn("node={}: leadership transfer to {} failed: {}", config.nodeId(), target.getId(), e.toString());
    }
  }

  /** True if the voters other than this node whose alarm is not raised form a majority of all voters. */
  private boolean othersCanGoOn(Set<String> raised) {
    List<RaftPeer> voters = voters();
    boolean selfVotes = voters.stream().anyMatch(p -> p.getId().equals(self));
    if (!selfVotes) {
      return true; // a listener: no vote depends on it
    }
    long others = voters.stream().filter(p -> !p.getId().equals(self) && !raised.contains(p.getId().toString())).count();
    return others >= voters.size() / 2 + 1;
  }

  private List<RaftPeer> voters() {
    RaftServer.Division d = node.divisionOrNull();
    return d == null ? List.of() : List.copyOf(d.getRaftConf().getCurrentPeers(RaftPeerRole.FOLLOWER));
  }

  /** What is wrong with the member, as a sentence start: "the Raft log failed (...)". */
  private String describe(MemberState member, KvStateMachine sm) {
    if (restartOwed && lastRestartFailure != null) {
      return "restarting the Raft member failed (" + lastRestartFailure + ")";
    }
    Throwable failure = sm == null ? null : sm.logFailure() != null ? sm.logFailure() : sm.applyFailure();
    if (member == MemberState.STOPPED_FOR_SPACE) {
      return "the Raft member is stopped while the disk is below its floor";
    }
    if (failure != null) {
      return (sm.logFailure() != null ? "the Raft log failed (" : "applying an entry failed (") + failure.getMessage() + ")";
    }
    return node.shutDownByCluster() ? "the Raft member was shut down by the cluster (rejoining if still a member)"
        : "the Raft member is not running";
  }

  private void publish(long free, long floor, MemberState member) {
    KvStateMachine sm = node.stateMachine();
    Set<String> raised = sm == null || member != MemberState.RUNNING ? condition.noSpaceAlarms() : sm.noSpaceAlarms();
    List<String> notReady = new ArrayList<>();
    if (belowFloor) {
      notReady.add("free space " + size(free) + " is below the floor of " + size(floor)
          + ": no writes through this node and no leadership until space returns");
    }
    String rejoin = node.listenerRejoinStatus();
    if (rejoin != null) {
      notReady.add("rejoining as a listener after losing log entries it had: " + rejoin);
    } else if (member != MemberState.RUNNING) {
      notReady.add(describe(member, sm) + (!restartable(member, sm) ? ""
          : needsProcessRestart != null ? "; only a restart of the node can help"
          : belowFloor || waitingForRoom ? "; it restarts when " + size(resumeAt(floor)) + " are free"
          : "; restarting it"));
    } else if (node.shutDownByCluster()) {
      notReady.add("rejoining after the cluster shut its Raft member down: restarted, waiting to learn its role"
          + " from the leader");
    }
    String notAlive = needsProcessRestart;
    long deadline = config.disk().recoveryDeadline().toNanos();
    if (notAlive == null && causeGoneSinceNanos >= 0 && System.nanoTime() - causeGoneSinceNanos > deadline) {
      notAlive = "the Raft member has not recovered for " + config.disk().recoveryDeadline().toSeconds()
          + " s although the disk has room (" + (lastRestartFailure == null ? describe(member, sm) : lastRestartFailure)
          + "): restart the node";
    }
    if (closed) {
      return; // the node is stopping: a member going down now is not news (and not an ERROR)
    }
    NodeCondition previous = condition;
    condition = new NodeCondition(free, floor, belowFloor, member, raised, restarts, notReady, notAlive);
    if (!previous.notReady().equals(notReady) && !notReady.isEmpty()) {
      LOG.error("node={}: not ready: {}", config.nodeId(), String.join("; ", notReady));
    } else if (!previous.notReady().isEmpty() && notReady.isEmpty()) {
      LOG.warn("node={}: ready again", config.nodeId());
    }
  }

  /** Whole MiB, or bytes below one MiB (a floor of a few bytes in tests must not read "0 MiB"). */
  static String size(long bytes) {
    return bytes >= MIB ? bytes / MIB + " MiB" : bytes + " bytes";
  }

  private static long freeBytes(Path dir) {
    try {
      return Files.getFileStore(dir).getUsableSpace();
    } catch (IOException e) {
      return -1;
    }
  }

  @Override
  public void close() {
    closed = true;
    timer.shutdownNow();
    try {
      // A check under way finishes before the node closes its member, so it never reports that as a failure.
      if (!timer.awaitTermination(5, TimeUnit.SECONDS)) {
        LOG.warn("node={}: the self-check did not stop within 5 s", config.nodeId());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    alarms.close();
  }
}
