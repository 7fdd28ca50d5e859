package quorumkv.server.ratis;

import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.proto.RaftProtos.RaftPeerRole;
import org.apache.ratis.protocol.GroupInfoReply;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.server.RaftConfiguration;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.retry.RetryPolicies;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ratis closed this node's member because a leader said it is not a voter. A removed node should stay
 * down; a voter demoted to listener while it was cut off (it never received the new configuration, timed
 * out and asked for votes) should come back as the listener it now is. So ask the leader: if its
 * configuration still has this node, restart the member from its own log and snapshot.
 *
 * <p>A voter demoted while it was down or cut off restarts from a log whose configuration still says
 * voter: it times out and asks for votes before the leader's appends reach it, and the leader shuts it
 * down again, every time (seen in LongMatrixIT as a restart every ~2 s). So a node the leader lists as a
 * listener restarts with its leader election paused, and resumes it once its own configuration says
 * listener (the leader's appends brought it) it restarts once more, now as a listener (Ratis assigns that
 * role only at start); after {@link #LISTENER_CONF_WAIT_MILLIS} without it, it resumes its election. Until
 * then the rejoin is still pending.
 */
final class Rejoiner implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Rejoiner.class);

  /** How long a node restarted as a listener waits, election paused, for the configuration that says so. */
  static final long LISTENER_CONF_WAIT_MILLIS = 60_000;
  private static final long LISTENER_CONF_POLL_MILLIS = 200;
  /** How often a running member checks that its role matches its configuration. */
  private static final long ROLE_CHECK_MILLIS = 1_000;

  private enum Role { VOTER, LISTENER, ABSENT }

  private final KvNode node;
  private final ScheduledExecutorService executor;
  private final AtomicInteger attempts = new AtomicInteger();
  /** Set when the cluster shut the member down; cleared once it rejoined. */
  private volatile boolean pending;
  private volatile boolean closed;

  Rejoiner(KvNode node) {
    this.node = node;
    this.executor = Executors.newSingleThreadScheduledExecutor(
        new DefaultThreadFactory(node.config().nodeId() + "-rejoin", true));
  }

  /** Starts the periodic look at this member's own role ({@link #restartIfListenerRunningAsFollower}). */
  void start() {
    executor.scheduleWithFixedDelay(this::restartIfListenerRunningAsFollower, ROLE_CHECK_MILLIS, ROLE_CHECK_MILLIS,
        TimeUnit.MILLISECONDS);
  }

  /**
   * A voter demoted while down or cut off, whose leader's appends reach it before it times out, learns the
   * configuration that makes it a listener while running as a follower, and Ratis gives the listener role
   * only at start: it would stay a follower for good (the cluster never shuts it down, since it never asks
   * for votes while the leader's appends keep coming). Seen once the leader retried a returning follower
   * within 100 ms (FollowerReturnIT's appender policy): before, its seconds-long pauses let the node time
   * out first and the cluster shut it down, which the rejoin above handles. Restarted from its log, which
   * says listener, the member starts as one (MemberRejoinIT, MembershipHealingIT).
   */
  private void restartIfListenerRunningAsFollower() {
    if (closed || pending) {
      return;   // the rejoin above is under way and restarts the member itself
    }
    try {
      RaftServer.Division d = node.divisionOrNull();
      if (d == null) {
        return;
      }
      var conf = d.getRaftConf();
      if (!runsAsFollowerButIsListener(d.getInfo().isFollower(), namesSelfListener(conf), conf.getLogEntryIndex(),
          d.getRaftLog().getFlushIndex(), d.getRaftLog().getLastCommittedIndex())) {
        return;
      }
      attempts.incrementAndGet();
      node.restartMember();
      LOG.warn("node={}: its configuration makes it a listener (demoted while down or cut off) but it ran as a"
          + " follower; restarted as a listener", node.config().nodeId());
    } catch (IOException | RuntimeException e) {
      LOG.warn("node={}: restarting as a listener failed ({}); trying again in {} ms", node.config().nodeId(),
          e.toString(), ROLE_CHECK_MILLIS);
    }
  }

  /** The cluster shut the member down: start asking the leader. */
  void shutDownByCluster() {
    pending = true;
    schedule(KvNode.REJOIN_FIRST_MILLIS);
  }

  /** True from a shutdown by the cluster until the member rejoined (or for good, if it was removed). */
  boolean pending() {
    return pending;
  }

  int attempts() {
    return attempts.get();
  }

  private void schedule(long delayMillis) {
    if (!closed) {
      executor.schedule(this::rejoin, delayMillis, TimeUnit.MILLISECONDS);
    }
  }

  private void rejoin() {
    if (closed) {
      return;
    }
    String id = node.config().nodeId();
    int attempt = attempts.incrementAndGet();
    long next = Math.min(KvNode.REJOIN_MAX_MILLIS, KvNode.REJOIN_FIRST_MILLIS << Math.min(attempt, 4));
    try {
      Role role = roleAtLeader();
      if (role == null) {
        LOG.warn("node={}: shut down by the cluster; no leader reachable to ask whether it is still a member;"
            + " asking again in {} ms", id, next);
        schedule(next);
        return;
      }
      if (role == Role.ABSENT) {
        LOG.error("node={}: shut down by the cluster and not in the leader's configuration: it was removed and"
            + " stays stopped. To bring it back, give it a fresh data dir and add it (`quorumkv member add`).", id);
        return;
      }
      node.restartMember();
      if (role == Role.LISTENER && !listenerInOwnConf()) {
        String[] problem = new String[1];
        boolean paused = ElectionPause.set(node, true, problem);
        LOG.warn("node={}: shut down by the cluster while a listener in the leader's configuration (demoted while"
            + " down or cut off); restarted from its own log{}", id, paused
            ? " with its leader election paused until it has the configuration that makes it a listener"
            : "; pausing its leader election failed: " + problem[0]);
        if (paused) {
          long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(LISTENER_CONF_WAIT_MILLIS);
          executor.schedule(() -> awaitListenerConf(until), LISTENER_CONF_POLL_MILLIS, TimeUnit.MILLISECONDS);
          return;
        }
      } else {
        LOG.warn("node={}: shut down by the cluster while still a member (e.g. demoted while cut off);"
            + " rejoined from its own log and snapshot", id);
      }
      pending = false;
    } catch (IOException | RuntimeException e) {
      LOG.warn("node={}: rejoin failed ({}); trying again in {} ms", id, e.toString(), next);
      schedule(next);
    }
  }

  /** Resumes the paused election once the member's own configuration makes it a listener, or at {@code until}. */
  private void awaitListenerConf(long until) {
    if (closed) {
      return;
    }
    boolean learned = listenerInOwnConf();
    if (!learned && System.nanoTime() - until < 0) {
      executor.schedule(() -> awaitListenerConf(until), LISTENER_CONF_POLL_MILLIS, TimeUnit.MILLISECONDS);
      return;
    }
    String id = node.config().nodeId();
    try {
      if (learned) {
        // Ratis gives the listener role only at start: a running follower told it is a listener stays a
        // follower. Restarted from its log, which now says listener, it starts as one (and unpaused).
        node.restartMember();
        LOG.warn("node={}: has the configuration that makes it a listener; restarted as one: rejoined", id);
      } else {
        String[] problem = new String[1];
        boolean resumed = ElectionPause.set(node, false, problem);
        LOG.warn("node={}: still not told it is a listener {} s after restarting; resuming its leader election{}", id,
            LISTENER_CONF_WAIT_MILLIS / 1000, resumed ? "" : " failed: " + problem[0]);
      }
      pending = false;
    } catch (IOException | RuntimeException e) {
      LOG.warn("node={}: restarting as a listener failed ({}); asking the leader again", id, e.toString());
      schedule(KvNode.REJOIN_FIRST_MILLIS);
    }
  }

  /**
   * The member's configuration makes it a listener, and the entry that says so is on disk (a restart reads
   * the configuration from the log; an entry appended but not yet flushed may not survive the restart).
   */
  private boolean listenerInOwnConf() {
    RaftServer.Division d = node.divisionOrNull();
    if (d == null) {
      return false;
    }
    var conf = d.getRaftConf();
    return namesSelfListener(conf) && conf.getLogEntryIndex() <= d.getRaftLog().getFlushIndex();
  }

  private boolean namesSelfListener(RaftConfiguration conf) {
    RaftPeerId self = RaftPeerId.valueOf(node.config().nodeId());
    return conf.getCurrentPeers(RaftPeerRole.LISTENER).stream().anyMatch(p -> p.getId().equals(self));
  }

  /**
   * Whether a running member must restart to take the listener role its configuration gives it: it runs as
   * a follower, and the configuration naming it a listener is in its own log (flushed) and committed. Committed,
   * not only flushed: a demotion the next leader rolls back must not leave a voter running as a listener.
   */
  static boolean runsAsFollowerButIsListener(boolean follower, boolean confNamesItListener, long confIndex,
      long flushedIndex, long committedIndex) {
    return follower && confNamesItListener && confIndex <= flushedIndex && confIndex <= committedIndex;
  }

  /** This node's role in the leader's configuration; null if no leader answered. */
  private Role roleAtLeader() {
    String id = node.config().nodeId();
    ByteString self = ByteString.copyFromUtf8(id);
    try (RaftClient client = RaftClient.newBuilder().setRaftGroup(node.group()).setParameters(node.raftParameters()).setProperties(new RaftProperties())
        .setRetryPolicy(RetryPolicies.noRetry()).build()) {
      for (RaftPeer peer : node.group().getPeers()) {
        if (peer.getId().toString().equals(id)) {
          continue;
        }
        try {
          GroupInfoReply info = client.getGroupManagementApi(peer.getId()).info(node.groupId());
          if (info.getRoleInfoProto().getRole() == RaftPeerRole.LEADER && info.getConf().isPresent()) {
            var conf = info.getConf().get();
            return conf.getPeersList().stream().anyMatch(p -> p.getId().equals(self)) ? Role.VOTER
                : conf.getListenersList().stream().anyMatch(p -> p.getId().equals(self)) ? Role.LISTENER
                : Role.ABSENT;
          }
        } catch (IOException | RuntimeException e) {
          // unreachable or not a member: ask the next
        }
      }
    } catch (IOException e) {
      // closing the client
    }
    return null;
  }

  @Override
  public void close() {
    closed = true;
    executor.shutdownNow();
  }
}
