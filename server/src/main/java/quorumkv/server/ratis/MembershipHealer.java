package quorumkv.server.ratis;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.apache.ratis.proto.RaftProtos.RaftPeerRole;
import org.apache.ratis.server.RaftConfiguration;
import org.apache.ratis.server.RaftServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import quorumkv.client.KvClient;
import quorumkv.client.connect.KvClients;
import quorumkv.server.config.PeerSpec;
import quorumkv.server.config.ServerConfig;
import quorumkv.server.status.NodeStatus;

/**
 * Self-healing membership, on the leader only: every {@link #tickMillis} it reads the leader's view of its
 * group (last contact and lag of each follower), lets {@link HealPolicy} decide, and carries a promotion or
 * demotion out through the same compare-and-set membership path as {@code quorumkv member promote/demote}
 * (this node's own admin client), logging one line per action with its reason. Every node runs it: it
 * always counts the voters lost beyond the grace period (a metric, 0 on a non-leader, which cannot know),
 * notes every change of the voters it sees (the cooldown counts from them, so it survives a change of
 * leader), and acts only when {@code quorumkv.heal.enabled}.
 *
 * <p>A demoted voter that is down or cut off is shut down by the leader when it comes back and asks for
 * votes; {@link Rejoiner} then restarts it as the listener it now is.
 */
final class MembershipHealer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(MembershipHealer.class);
  /** How long close waits for a look under way (a membership change it sent fails once its client is closed). */
  static final Duration CLOSE_WAIT = Duration.ofSeconds(2);

  /** One look at this node's Raft member. {@code leader} is null when it does not lead. */
  record Look(Set<String> voters, LeaderLook leader) {}

  /**
   * What the leader sees besides the voters.
   *
   * @param reconfiguring a configuration change is in progress or not yet committed
   */
  record LeaderLook(long term, boolean ready, boolean reconfiguring, List<HealPolicy.Member> members) {}

  /** What the healer reads and uses: the node's Raft member and an admin client (a test stands in for both). */
  interface Source {
    /** This node's member now; null while it is absent (restarting, or rejoining without its group). */
    Look look() throws IOException;

    /** A new client of the group, with admin rights (this node's own certificate). */
    KvClient connect();
  }

  private final String nodeId;
  private final boolean enabled;
  private final HealPolicy policy;
  private final long tickMillis;
  private final Duration actionTimeout;
  private final Source source;
  private final ScheduledExecutorService timer;
  private final AtomicLong promotions = new AtomicLong();
  private final AtomicLong demotions = new AtomicLong();
  private final AtomicLong failures = new AtomicLong();
  private volatile int lostVoters;
  private volatile boolean closed;
  /** The term this node led at the last look; -1 while it does not lead. Only the timer thread uses it. */
  private long ledTerm = -1;
  /** The rule that held the last heal back, logged once until it changes (the figures change at every look). */
  private HealPolicy.Decision.Rule lastWait;
  /** Guards {@link #client} only, never held during a call: close must not wait for a call under way. */
  private final Object clientLock = new Object();
  private KvClient client;

  MembershipHealer(KvNode node) {
    this(node.config(), nodeSource(node));
  }

  private MembershipHealer(ServerConfig config, Source source) {
    this(config.nodeId(), config.heal().enabled(), settings(config), startVoters(config),
        Duration.ofMillis(Math.max(10_000, config.heal().grace().toMillis())), source);
  }

  /** @param actionTimeout how long one promotion or demotion may take */
  MembershipHealer(String nodeId, boolean enabled, HealPolicy.Settings settings, Set<String> startVoters,
      Duration actionTimeout, Source source) {
    this.nodeId = nodeId;
    this.enabled = enabled;
    this.policy = new HealPolicy(settings, startVoters);
    this.tickMillis = Math.max(100, Math.min(1_000, settings.graceMillis() / 6));
    this.actionTimeout = actionTimeout;
    this.source = source;
    this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "membership-healer-" + nodeId);
      t.setDaemon(true);
      return t;
    });
  }

  private static HealPolicy.Settings settings(ServerConfig config) {
    ServerConfig.HealSettings heal = config.heal();
    long grace = heal.grace().toMillis();
    // Answering: heard from within three election timeouts (the cut-off /ready uses), never beyond the grace.
    long answering = Math.min(grace, config.raft().electionTimeoutMax().multipliedBy(3).toMillis());
    return new HealPolicy.Settings(grace, heal.cooldown().toMillis(), heal.maxLagEntries(), answering,
        config.configuredVoters());
  }

  private static Set<String> startVoters(ServerConfig config) {
    return config.peers().stream().filter(p -> p.role() != PeerSpec.Role.LISTENER).map(PeerSpec::id)
        .collect(Collectors.toSet());
  }

  void start() {
    timer.scheduleWithFixedDelay(this::tick, tickMillis, tickMillis, TimeUnit.MILLISECONDS);
    if (enabled) {
      LOG.info("node={}: self-healing membership on: grace {} s, cooldown {} s, listeners within {} entries,"
          + " never below {} voters", nodeId, policy.settings().graceMillis() / 1000.0,
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

  /** One look; runs on the timer thread only (a fixed-delay schedule never overlaps itself). */
  private void tick() {
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
      if (!closed) {
        LOG.warn("node={}: self-healing membership: looking at the group failed: {}", nodeId, e.toString());
      }
    }
  }

  /** The leader's view now, or null if this node does not lead (then what it saw before is forgotten). */
  private HealPolicy.View readView() throws IOException {
    Look look = source.look();
    long now = TimeUnit.NANOSECONDS.toMillis(System.nanoTime());
    if (look != null) {
      policy.votersSeen(look.voters(), now); // on every node: the next leader knows when the voters last grew
    }
    if (look == null || look.leader() == null) {
      forget();
      return null;
    }
    LeaderLook leader = look.leader();
    if (leader.term() != ledTerm) {
      forget();
      ledTerm = leader.term();
    }
    return new HealPolicy.View(now, leader.ready(), leader.reconfiguring(), leader.members());
  }

  private void forget() {
    if (ledTerm != -1) {
      policy.forgetFollowers();
      lastWait = null;
    }
    ledTerm = -1;
  }

  private void act(HealPolicy.Decision decision, long nowMillis) {
    if (decision instanceof HealPolicy.Decision.Wait w) {
      if (w.rule() != lastWait) {
        LOG.warn("node={}: self-healing membership: waiting: {}", nodeId, w.reason());
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
        LOG.warn("node={}: self-healing membership: promoted listener {} to voter to replace {}: {}", nodeId,
            p.listener(), p.lostVoter(), p.reason());
      } else if (decision instanceof HealPolicy.Decision.Demote dm) {
        admin().demote(dm.voter());
        policy.acted(decision, nowMillis);
        demotions.incrementAndGet();
        LOG.warn("node={}: self-healing membership: demoted voter {} to listener: {}; it rejoins as a listener when"
            + " it returns", nodeId, dm.voter(), dm.reason());
      }
    } catch (RuntimeException e) {
      if (closed) {
        return; // close failed the call on purpose: no failure of healing
      }
      failures.incrementAndGet();
      closeClient(); // a Ratis client that used up its retries may stay broken
      // A promotion that timed out may still commit: the next looks see the new voter, which starts the cooldown.
      LOG.warn("node={}: self-healing membership: {} failed ({}); looking again in {} ms", nodeId, decision,
          e.toString(), tickMillis);
    }
  }

  private quorumkv.client.KvAdmin admin() {
    synchronized (clientLock) {
      if (closed) {
        throw new IllegalStateException("the healer is closed");
      }
      if (client == null) {
        client = source.connect();
      }
      return client.admin().withTimeout(actionTimeout);
    }
  }

  private void closeClient() {
    KvClient c;
    synchronized (clientLock) {
      c = client;
      client = null;
    }
    if (c != null) {
      try {
        c.close();
      } catch (RuntimeException e) {
        // closing a broken client
      }
    }
  }

  /**
   * Stops looking, promptly: at most {@link #CLOSE_WAIT} (a membership change may wait up to its own
   * timeout, 10 s or the grace). The timer thread is interrupted and the admin client closed, which ends
   * a call under way; a look that still does not end is left to finish on its own (a daemon thread, and
   * {@link #closed} keeps it from acting again).
   */
  @Override
  public void close() {
    closed = true;
    timer.shutdownNow();
    closeClient();
    try {
      if (!timer.awaitTermination(CLOSE_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
        LOG.warn("node={}: self-healing membership: a look under way did not end within {} ms of close;"
            + " not waiting for it", nodeId, CLOSE_WAIT.toMillis());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** The node's Raft member as the healer reads it. */
  private static Source nodeSource(KvNode node) {
    return new Source() {
      @Override
      public Look look() throws IOException {
        RaftServer.Division d = node.divisionOrNull();
        if (d == null) {
          return null;
        }
        RaftConfiguration conf = d.getRaftConf();
        Set<String> voters = conf.getCurrentPeers(RaftPeerRole.FOLLOWER).stream().map(p -> p.getId().toString())
            .collect(Collectors.toSet());
        if (!d.getInfo().isLeader()) {
          return new Look(voters, null);
        }
        long term = d.getInfo().getCurrentTerm();
        boolean reconfiguring = !conf.getPreviousPeers(RaftPeerRole.FOLLOWER).isEmpty()
            || !conf.getPreviousPeers(RaftPeerRole.LISTENER).isEmpty()
            || conf.getLogEntryIndex() > d.getRaftLog().getLastCommittedIndex();
        NodeStatus status = node.status();
        if (!status.isLeader()) {
          return new Look(voters, null);
        }
        List<HealPolicy.Member> members = new ArrayList<>();
        for (NodeStatus.Member m : status.members()) {
          members.add(new HealPolicy.Member(m.id(), "voter".equals(m.role()), m.id().equals(status.nodeId()),
              m.lastContactMs(), m.lagEntries()));
        }
        return new Look(voters, new LeaderLook(term, d.getInfo().isLeaderReady(), reconfiguring, members));
      }

      @Override
      public KvClient connect() {
        return KvClients.connect(NodeClientConfig.of(node.config()));
      }
    };
  }
}
