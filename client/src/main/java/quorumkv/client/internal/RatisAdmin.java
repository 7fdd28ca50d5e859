package quorumkv.client.internal;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.ratis.protocol.GroupInfoReply;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.protocol.SetConfigurationRequest;
import org.apache.ratis.util.TimeDuration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import quorumkv.client.ClusterStatus;
import quorumkv.client.KvAdmin;
import quorumkv.client.KvIndeterminateException;
import quorumkv.client.KvRejectedException;
import quorumkv.client.KvUnavailableException;

/**
 * {@link KvAdmin} over Ratis's admin RPCs. Each change is a loop that converges on a wanted
 * membership ({@link MembershipIntent}): read the configuration from the leader ({@link LeaderView});
 * stop if it already holds;
 * otherwise send one compare-and-set configuration change (List arguments: the {@code RaftPeer[]}
 * overload of Ratis's AdminApi passes the servers as listeners) and look again. A reply lost in a
 * timeout, a leader change or a concurrent change therefore costs one more round, never a wrong result.
 */
final class RatisAdmin implements KvAdmin {
  private static final Logger LOG = LoggerFactory.getLogger(RatisAdmin.class);
  /** A listener this close to the leader's commit index counts as caught up for a promotion. */
  static final long CAUGHT_UP_ENTRIES = 64;
  private static final long PAUSE_MS = 100;

  private final String name;
  private final RaftTransport transport;
  private final Members peers;
  private final Duration timeout;

  RatisAdmin(String name, RaftTransport transport, Members peers, Duration timeout) {
    this.name = name;
    this.transport = transport;
    this.peers = peers;
    this.timeout = timeout;
  }

  @Override
  public KvAdmin withTimeout(Duration timeout) {
    if (timeout == null || timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("timeout must be positive, got " + timeout);
    }
    return new RatisAdmin(name, transport, peers, timeout);
  }

  @Override
  public ClusterStatus clusterStatus() {
    return leaderView(deadline(), "cluster status").status();
  }

  @Override
  public void addListener(String id, String address) {
    converge("add listener " + id, deadline(), MembershipIntent.add(id, address, true));
  }

  @Override
  public void addVoter(String id, String address) {
    long deadline = deadline();
    // A node not yet in the group joins as a voter in one configuration change: Ratis first catches it up
    // as a staging member that does not count toward the quorum (Raft dissertation 4.2.1), then commits
    // the new configuration. Not listener-first: Ratis 3.3.0 never marks a listener added this way as
    // caught up, so a node that started outside the configuration (restarted after a removal) stays in
    // STARTING for good, serving no reads, and keeps that state when promoted (found by
    // ReadmeCommandsIT). A node that already is a listener is promoted once caught up.
    converge("add " + id + " as a voter", deadline, MembershipIntent.add(id, address, false));
    try {
      awaitCaughtUp(id, deadline);
      converge("promote " + id, deadline, new MembershipIntent.Move(id, true));
    } catch (KvUnavailableException e) {
      // The node is a listener now: "nothing was changed" would mislead the caller.
      throw new KvIndeterminateException(name + ": " + id + " was added as a listener but not made a voter in time ("
          + e.getMessage() + "); repeat addVoter (it is idempotent) or promote it once it has caught up", e);
    }
  }

  @Override
  public void promote(String id) {
    long deadline = deadline();
    awaitCaughtUp(id, deadline);
    converge("promote " + id, deadline, new MembershipIntent.Move(id, true));
  }

  @Override
  public void demote(String id) {
    long deadline = deadline();
    handOverIfLeader(id, deadline);
    converge("demote " + id, deadline, new MembershipIntent.Move(id, false));
  }

  @Override
  public void remove(String id) {
    long deadline = deadline();
    handOverIfLeader(id, deadline);
    converge("remove " + id, deadline, new MembershipIntent.Remove(id));
  }

  @Override
  public void transferLeadership(String id) {
    transferLeadership(id, deadline());
  }

  /**
   * If {@code id} leads, hands leadership to the most caught-up other voter first. Ratis 3.3.0 keeps a
   * leader that a configuration change demoted to a listener leading (seen in MembershipIT), so a
   * demotion or removal of the leader starts with a transfer.
   */
  private void handOverIfLeader(String id, long deadline) {
    LeaderView v = leaderView(deadline, "find the leader");
    if (!v.leaderId().toString().equals(id)) {
      return;
    }
    String to = v.status().voters().stream()
        .filter(m -> !m.id().equals(id) && m.lagEntries() >= 0)
        .min(java.util.Comparator.comparingLong(ClusterStatus.Member::lagEntries))
        .map(ClusterStatus.Member::id)
        .orElseThrow(() -> invalid(id + " is the only voter"));
    transferLeadership(to, deadline);
  }

  private void transferLeadership(String id, long deadline) {
    String what = "transfer leadership to " + id;
    RaftPeerId target = RaftPeerId.valueOf(Objects.requireNonNull(id, "id"));
    boolean sent = false;
    Throwable last = null;
    while (true) {
      LeaderView v = leaderView(deadline, what, sent);
      if (v.leaderId().equals(target)) {
        return;
      }
      RaftPeer p = v.conf().find(id);
      if (p == null || !v.conf().voters().contains(p)) {
        throw invalid(what + ": " + id + " is not a voter");
      }
      long waitMs = Math.max(1, Math.min(TimeUnit.NANOSECONDS.toMillis(remaining(deadline)), 10_000));
      try {
        sent = true;
        RaftClientReply reply = transport.transferLeadership(v.leaderId(), target, waitMs);
        last = reply.isSuccess() ? null : reply.getException();
      } catch (IOException | RuntimeException e) {
        last = e;
      }
      if (last != null) {
        LOG.info("{}: {}: {}", name, what, last.toString());
      }
      pause(deadline, what, sent, last);
    }
  }

  // ------------------------------------------------------------------------------------------ converge

  private void converge(String what, long deadline, MembershipIntent intent) {
    boolean sent = false;
    Throwable last = null;
    while (true) {
      LeaderView v = leaderView(deadline, what, sent);
      if (!v.reconfiguring()) {
        if (intent.holds(v.conf())) {
          LOG.info("{}: {}: done; voters {}, listeners {}", name, what, v.conf().voters(), v.conf().listeners());
          return;
        }
        LeaderView.Conf target = intent.apply(v.conf());
        SetConfigurationRequest.Arguments args = SetConfigurationRequest.Arguments.newBuilder()
            .setServersInNewConf(target.voters())
            .setListenersInNewConf(target.listeners())
            .setServersInCurrentConf(v.conf().voters())
            .setListenersInCurrentConf(v.conf().listeners())
            .setMode(SetConfigurationRequest.Mode.COMPARE_AND_SET)
            .build();
        try {
          sent = true;
          RaftClientReply reply = transport.setConfiguration(v.leaderId(), args,
              TimeDuration.valueOf(Math.max(1, TimeUnit.NANOSECONDS.toMillis(remaining(deadline))),
                  TimeUnit.MILLISECONDS));
          last = reply.isSuccess() ? null : reply.getException();
          if (last == null) {
            continue; // look again: the loop returns once the leader shows the new configuration
          }
        } catch (IOException | RuntimeException e) {
          last = e;
        }
        LOG.info("{}: {}: {}", name, what, last.toString());
      }
      pause(deadline, what, sent, last);
    }
  }

  /** Waits until listener {@code id} trails the leader by at most {@link #CAUGHT_UP_ENTRIES}. */
  private void awaitCaughtUp(String id, long deadline) {
    String what = "wait for " + id + " to catch up";
    while (true) {
      LeaderView v = leaderView(deadline, what);
      ClusterStatus.Member m = v.status().member(id).orElseThrow(() -> invalid(what + ": no member " + id));
      if (m.isVoter() || (m.lagEntries() >= 0 && m.lagEntries() <= CAUGHT_UP_ENTRIES)) {
        return;
      }
      pause(deadline, what + " (lag " + m.lagEntries() + " entries)", false, null);
    }
  }

  // ------------------------------------------------------------------------------------------ leader

  private LeaderView leaderView(long deadline, String what) {
    return leaderView(deadline, what, false);
  }

  /**
   * Finds the leader and returns its GroupInfo: the known leader first, then whoever a node names as
   * leader, then every member in turn; pauses between rounds until the deadline.
   */
  private LeaderView leaderView(long deadline, String what, boolean sent) {
    Throwable last = null;
    while (true) {
      Set<RaftPeerId> tried = new LinkedHashSet<>();
      List<RaftPeerId> queue = new ArrayList<>();
      if (peers.leader() != null) {
        queue.add(peers.leader());
      }
      for (RaftPeer p : peers.members()) {
        queue.add(p.getId());
      }
      while (!queue.isEmpty() && remaining(deadline) > 0) {
        RaftPeerId target = queue.remove(0);
        if (!tried.add(target)) {
          continue;
        }
        try {
          GroupInfoReply reply = transport.groupInfo(target);
          RaftPeerId named = peers.learn(reply, transport);
          LeaderView v = LeaderView.parse(reply);
          if (v != null) {
            peers.leaderIs(v.leaderId());
            return v;
          }
          if (named != null) {
            queue.add(0, named);
          }
        } catch (IOException | RuntimeException e) {
          last = e;
        }
      }
      pause(deadline, what + ": no leader answered", sent, last);
    }
  }

  /** Sleeps a little, or fails the call if the deadline would pass first. */
  private void pause(long deadline, String what, boolean sent, Throwable last) {
    if (last != null && Failures.permissionDenied(last)) {
      throw new quorumkv.client.KvPermissionDeniedException(name + ": " + what + ": the node refused it (this client's"
          + " certificate is not an admin's): " + last.getMessage(), last);
    }
    if (remaining(deadline) <= TimeUnit.MILLISECONDS.toNanos(PAUSE_MS)) {
      String text = name + ": " + what + ": not done within " + timeout.toMillis() + " ms"
          + (last == null ? "" : "; last failure: " + last + Failures.tlsHint(last));
      throw sent ? new KvIndeterminateException(text + " (a change was sent and may still complete)", last)
          : new KvUnavailableException(text, last);
    }
    try {
      Thread.sleep(PAUSE_MS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw sent ? new KvIndeterminateException(what + ": interrupted; a change was sent", e)
          : new KvUnavailableException(what + ": interrupted", e);
    }
  }

  private long deadline() {
    return System.nanoTime() + timeout.toNanos();
  }

  private static long remaining(long deadline) {
    return Math.max(0, deadline - System.nanoTime());
  }

  private static KvRejectedException invalid(String message) {
    return MembershipIntent.invalid(message);
  }
}
