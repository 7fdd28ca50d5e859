package quorumkv.server.ratis;

import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.apache.ratis.proto.RaftProtos.RaftPeerRole;
import org.apache.ratis.protocol.ClientId;
import org.apache.ratis.protocol.GroupManagementRequest;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.server.RaftServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import quorumkv.client.ClusterStatus;
import quorumkv.client.KvClient;
import quorumkv.client.connect.KvClients;

/**
 * Brings back a node that lost log entries ({@link LostEntries}) without ever letting it vote before it
 * has them again: its Raft server starts without its group; this task asks the leader to remove it from
 * the configuration, starts its member with itself as a listener (Ratis's listener refuses votes), asks
 * the leader to add it back as a listener (a listener is never asked for a vote), waits until it has
 * applied the leader's commit index, asks the leader to promote it if it was a voter, and removes the
 * marker; each step is recorded in the marker. Without a leader it waits: a cluster that cannot elect a leader without this node's vote stays
 * unavailable rather than elect one that lacks entries this node had acknowledged. Each step is
 * idempotent, so a restart in the middle resumes where it was.
 */
final class ListenerRejoin implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ListenerRejoin.class);
  private static final long FIRST_WAIT_MILLIS = 500;
  private static final long MAX_WAIT_MILLIS = 5_000;
  /**
   * A listener member that applies nothing for this long, with no snapshot chunk arriving either, is stuck,
   * and the rejoin starts over from the removal. Seen once in DamagedTailIT (not reproduced since; the cause
   * was not established): the leader sent the empty listener an append at index 377, which it could not take
   * ("Difference between entry index and RaftLog's latest snapshot index -1 is greater than 1"), and every
   * later reconfiguration call got ReconfigurationInProgressException, so the rejoin waited for good.
   */
  private static final Duration STUCK = Duration.ofSeconds(20);

  private final KvNode node;
  private final String reason;
  private final ExecutorService executor;
  private final StalledLog stalledApply = new StalledLog(STUCK, Duration.ZERO);
  private volatile String status;
  private volatile boolean closed;

  ListenerRejoin(KvNode node, String reason) {
    this.node = node;
    this.reason = reason;
    this.status = "waiting for a leader to take it out of the configuration";
    this.executor = Executors.newSingleThreadExecutor(new DefaultThreadFactory(
        "quorumkv-" + node.config().nodeId() + "-listener-rejoin", true));
  }

  void start() {
    LOG.warn("node={}: rejoining as a listener: {}", node.config().nodeId(), reason);
    executor.execute(this::run);
  }

  /** Where the rejoin is, or null once the node is a voter again. */
  String status() {
    return status;
  }

  private void run() {
    String id = node.config().nodeId();
    long wait = FIRST_WAIT_MILLIS;
    while (!closed && status != null) {
      try (KvClient client = KvClients.connect(NodeClientConfig.of(node.config()))) {
        ClusterStatus cluster = client.admin().clusterStatus();
        if (stuck()) {
          startOver(cluster);
          continue;
        }
        if (step(cluster, client)) {
          stalledApply.forget();
          wait = FIRST_WAIT_MILLIS;
          continue;
        }
      } catch (IOException | RuntimeException e) {
        status = status.split(" \\(last attempt")[0] + " (last attempt: " + e.getMessage() + ")";
        LOG.info("node={}: listener rejoin: {}", id, status);
      }
      sleep(wait);
      wait = Math.min(MAX_WAIT_MILLIS, wait * 2);
    }
  }

  /** Its listener member exists and has applied nothing, nor received a snapshot chunk, for {@link #STUCK}. */
  private boolean stuck() {
    if (node.divisionOrNull() == null || SnapshotInstall.underWay(node.groupDir(), STUCK)) {
      stalledApply.forget();
      return false;
    }
    return stalledApply.stalled(node.appliedIndex(), System.nanoTime());
  }

  /**
   * Drops the stuck listener member with its storage (a partial copy of the leader's; the node's own state
   * is already aside) and redoes the rejoin from the removal: once the member stops answering, the leader's
   * staging of it fails (no response within Ratis's staging timeout), and a removal makes the leader forget
   * what it recorded about the member, so the next add starts from nothing (by snapshot if the leader has one).
   */
  private void startOver(ClusterStatus cluster) throws IOException {
    String id = node.config().nodeId();
    LOG.warn("node={}: listener rejoin stuck for {} s ({}; leader reconfiguring: {}): dropping its listener member"
        + " and starting the rejoin over", id, STUCK.toSeconds(), status, cluster.reconfiguring());
    RaftClientReply removed = node.server().groupManagement(GroupManagementRequest.newRemove(ClientId.randomId(),
        RaftPeerId.valueOf(id), 0, node.groupId(), true, false));
    if (!removed.isSuccess()) {
      throw new IOException("dropping its listener member failed: " + removed.getException());
    }
    // Still in the configuration: have the leader remove it first; otherwise add it afresh.
    LostEntries.note(node.config().dataDir(), "step", cluster.member(id).isPresent() ? "start-over" : "removed");
    status = "starting the rejoin over: its listener made no progress for " + STUCK.toSeconds() + " s";
    stalledApply.forget();
  }

  /**
   * One step back to the role the node had; true if it made progress (try the next step at once).
   * Removed first, not demoted: the leader keeps a member's match index across a demotion and would
   * never send the entries this node lost (it answered INCONSISTENCY, nextIndex 0, while the leader kept
   * retrying from its old match index). A member added afresh starts from nothing.
   */
  private boolean step(ClusterStatus cluster, KvClient client) throws IOException {
    String id = node.config().nodeId();
    java.nio.file.Path dataDir = node.config().dataDir();
    ClusterStatus.Member self = cluster.member(id).orElse(null);
    boolean removed = "removed".equals(LostEntries.noted(dataDir, "step"))
        || "listener-added".equals(LostEntries.noted(dataDir, "step"));
    if (!removed) {
      if (self == null) {
        status = "not in the leader's configuration (removed by an operator?); add it back with `quorumkv member add`";
        return false;
      }
      status = "asking the leader to remove it, to add it back as a listener";
      if (LostEntries.noted(dataDir, "role") == null) { // a start-over finds it a listener: keep its first role
        LostEntries.note(dataDir, "role", self.isVoter() ? "voter" : "listener");
      }
      client.admin().remove(id);
      LostEntries.note(dataDir, "step", "removed");
      return true;
    }
    if (node.divisionOrNull() == null) {
      addGroupAsListener(); // started before it is added, as any new listener is
      return true;
    }
    if (self == null) {
      status = "asking the leader to add it back as a listener";
      client.admin().addListener(id, node.config().self().address());
      LostEntries.note(dataDir, "step", "listener-added");
      return true;
    }
    long target = cluster.commitIndex();
    status = "catching up as a listener: applied " + node.appliedIndex() + " of " + target;
    long deadline = System.nanoTime() + STUCK.toNanos(); // then run() checks whether it is stuck
    while (!closed && node.appliedIndex() < target && System.nanoTime() < deadline) {
      sleep(200);
      status = "catching up as a listener: applied " + node.appliedIndex() + " of " + target;
    }
    if (node.appliedIndex() < target) {
      return false;
    }
    if ("voter".equals(LostEntries.noted(dataDir, "role")) && !self.isVoter()) {
      status = "asking the leader to promote it back to a voter";
      client.admin().withTimeout(Duration.ofSeconds(60)).promote(id);
    }
    LostEntries.clear(dataDir);
    status = null;
    LOG.warn("node={}: caught up and back in its role; it votes again if it is a voter", id);
    return true;
  }

  private void addGroupAsListener() throws IOException {
    RaftPeerId self = RaftPeerId.valueOf(node.config().nodeId());
    RaftGroup asListener = RaftGroup.valueOf(node.groupId(), node.group().getPeers().stream()
        .map(p -> p.getId().equals(self) ? RaftPeer.newBuilder(p).setStartupRole(RaftPeerRole.LISTENER).build() : p)
        .toList());
    boolean format = !Files.isDirectory(node.config().raftDir().resolve(node.groupId().getUuid().toString()));
    RaftServer server = node.server();
    RaftClientReply added = server.groupManagement(
        GroupManagementRequest.newAdd(ClientId.randomId(), self, 0, asListener, format));
    if (!added.isSuccess()) {
      throw new IOException("adding its Raft member as a listener failed: " + added.getException());
    }
    status = "started as a listener; catching up";
    LOG.warn("node={}: Raft member started as a listener ({}); catching up from the leader",
        node.config().nodeId(), format ? "empty" : "its own log");
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    closed = true;
    executor.shutdownNow();
  }
}
