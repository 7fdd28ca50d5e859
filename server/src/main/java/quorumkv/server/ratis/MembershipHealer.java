package quorumkv.server.ratis;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.ratis.proto.RaftProtos.RaftPeerRole;
import org.apache.ratis.server.RaftConfiguration;
import org.apache.ratis.server.RaftServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import quorumkv.client.KvClient;
import quorumkv.client.connect.KvClients;
import quorumkv.server.config.ServerConfig;
import quorumkv.server.status.NodeStatus;

/**
 * Self-healing membership, on the leader only: every {@link #tickMillis} it reads the leader's view of its
 * group (last contact and lag of each follower), lets {@link HealPolicy} decide, and carries a promotion or
 * demotion out through the same compare-and-set membership path as {@code quorumkv member promote/demote}
 * (this node's own admin client), logging one line per action with its reason. Every node runs it: it
 * always counts the voters lost beyond the grace period (a metric, 0 on a non-leader, which cannot know),
 * and acts only when {@code quorumkv.heal.enabled}.
 *
 * <p>A demoted voter that is down or cut off is shut down by the leader when it comes back and asks for
 * votes; {@link Rejoiner} then restarts it as the listener it now is.
 */
final class MembershipHealer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(MembershipHealer.class);

  private final KvNode node;
  private final boolean enabled;
  private final HealPolicy policy;
  private final long tickMillis;
  private final Duration actionTimeout;
  private final ScheduledExecutorService timer;
  private final AtomicLong promotions = new AtomicLong();
  private final AtomicLong demotions = new AtomicLong();
  private final AtomicLong failures = new AtomicLong();
  private volatile int lostVoters;
  /** The term this node led at the last look; -1 while it does not lead. */
  private long ledTerm = -1;
  /** The rule that held the last heal back, logged once until it changes (the figures change at every look). */
  private HealPolicy.Decision.Rule lastWait;
  private KvClient client;
  private boolean closed;

  MembershipHealer(KvNode node) {
    this.node = node;
    ServerConfig config = node.config();
    ServerConfig.HealSettings heal = config.heal();
    this.enabled = heal.enabled();
    long grace = heal.grace().toMillis();
    // Answering: heard from within three election timeouts (the cut-off /ready uses), never beyond the grace.
    long answering = Math.min(grace, config.raft().electionTimeoutMax().multipliedBy(3).toMillis());
    this.policy = new HealPolicy(new HealPolicy.Settings(grace, heal.cooldown().toMillis(), heal.maxLagEntries(),
        answering, config.configuredVoters()));
    this.tickMillis = Math.max(100, Math.min(1_000, grace / 6));
    this.actionTimeout = Duration.ofMillis(Math.max(10_000, grace));
    this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "membership-healer-" + config.nodeId());
      t.setDaemon(true);
      return t;
    });
  }

  void start() {
    timer.scheduleWithFixedDelay(this::tick, tickMillis, tickMillis, TimeUnit.MILLISECONDS);
    if (enabled) {
      LOG.info("node={}: self-healing membership on: grace {} s, cooldown {} s, listeners within {} entries,"
          + " never below {} voters", node.config().nodeId(), policy.settings().graceMillis() / 1000.0,
          policy.settings().cooldownMillis() / 1000.0, policy.settings().maxLagEntries(),
          policy.settings().configuredVoters());
    }
  }

  /** Voters this node, as leader, has not heard from for the grace period; 0 when it does not lead. */
  int lostVoters() {
    return lostVoters;
  }

  long promotions() {
    return promotions.get();
  }

  long demotions() {
    return demotions.get();
  }

  /** Promotions or demotions this node decided on and could not carry out. */
  long failures() {
    return failures.get();
  }

  private synchronized void tick() {
    if (closed) {
      return;
    }
    try {
      HealPolicy.View view = readView();
      if (view == null) {
        lostVoters = 0;
        return;
      }
      HealPolicy.Decision decision = policy.decide(view);
      lostVoters = policy.lost(view).size();
      if (enabled) {
        act(decision, view.nowMillis());
      }
    } catch (IOException | RuntimeException e) {
      LOG.warn("node={}: self-healing membership: looking at the group failed: {}", node.config().nodeId(), e.toString());
    }
  }

  /** The leader's view now, or null if this node does not lead (then what it saw before is forgotten). */
  private HealPolicy.View readView() throws IOException {
    RaftServer.Division d = node.divisionOrNull();
    if (d == null || !d.getInfo().isLeader()) {
      forget();
      return null;
    }
    long term = d.getInfo().getCurrentTerm();
    if (term != ledTerm) {
      forget();
      ledTerm = term;
    }
    RaftConfiguration conf = d.getRaftConf();
    boolean reconfiguring = !conf.getPreviousPeers(RaftPeerRole.FOLLOWER).isEmpty()
        || !conf.getPreviousPeers(RaftPeerRole.LISTENER).isEmpty()
        || conf.getLogEntryIndex() > d.getRaftLog().getLastCommittedIndex();
    NodeStatus status = node.status();
    if (!status.isLeader()) {
      return null;
    }
    List<HealPolicy.Member> members = new ArrayList<>();
    for (NodeStatus.Member m : status.members()) {
      members.add(new HealPolicy.Member(m.id(), "voter".equals(m.role()), m.id().equals(status.nodeId()),
          m.lastContactMs(), m.lagEntries()));
    }
    return new HealPolicy.View(TimeUnit.NANOSECONDS.toMillis(System.nanoTime()), d.getInfo().isLeaderReady(),
        reconfiguring, members);
  }

  private void forget() {
    if (ledTerm != -1) {
      policy.forgetFollowers();
      lastWait = null;
    }
    ledTerm = -1;
  }

  private void act(HealPolicy.Decision decision, long nowMillis) {
    String id = node.config().nodeId();
    if (decision instanceof HealPolicy.Decision.Wait w) {
      if (w.rule() != lastWait) {
        LOG.warn("node={}: self-healing membership: waiting: {}", id, w.reason());
        lastWait = w.rule();
      }
      return;
    }
    lastWait = null;
    try {
      if (decision instanceof HealPolicy.Decision.Promote p) {
        admin().promote(p.listener());
        policy.acted(decision, nowMillis);
        promotions.incrementAndGet();
        LOG.warn("node={}: self-healing membership: promoted listener {} to voter to replace {}: {}", id,
            p.listener(), p.lostVoter(), p.reason());
      } else if (decision instanceof HealPolicy.Decision.Demote dm) {
        admin().demote(dm.voter());
        policy.acted(decision, nowMillis);
        demotions.incrementAndGet();
        LOG.warn("node={}: self-healing membership: demoted voter {} to listener: {}; it rejoins as a listener when"
            + " it returns", id, dm.voter(), dm.reason());
      }
    } catch (RuntimeException e) {
      failures.incrementAndGet();
      closeClient(); // a Ratis client that used up its retries may stay broken
      LOG.warn("node={}: self-healing membership: {} failed ({}); looking again in {} ms", id, decision, e.toString(),
          tickMillis);
    }
  }

  private quorumkv.client.KvAdmin admin() {
    if (client == null) {
      client = KvClients.connect(NodeClientConfig.of(node.config()));
    }
    return client.admin().withTimeout(actionTimeout);
  }

  private void closeClient() {
    KvClient c = client;
    client = null;
    if (c != null) {
      try {
        c.close();
      } catch (RuntimeException e) {
        // closing a broken client
      }
    }
  }

  @Override
  public void close() {
    timer.shutdownNow();
    synchronized (this) {
      closed = true;
      closeClient();
    }
  }
}
