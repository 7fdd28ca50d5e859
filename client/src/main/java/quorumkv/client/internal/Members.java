package quorumkv.client.internal;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;
import org.apache.ratis.proto.RaftProtos.RaftPeerRole;
import org.apache.ratis.proto.RaftProtos.RoleInfoProto;
import org.apache.ratis.protocol.GroupInfoReply;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The client's view of the group: its members and which one it believes leads. Starts with one
 * placeholder peer per configured address ({@code seed-0}, {@code seed-1}, ...): peer ids are not known
 * up front, and a Ratis server routes a client request by group id, not by the peer id it names. The
 * real members (ids and addresses as the servers know them) replace the seeds as soon as a node says
 * who they are, in a GroupInfo reply or a NotLeaderException.
 *
 * <p>Thread-safe; every field is a volatile snapshot, and a stale read of it costs one extra hop.
 * Also reads the GroupInfo replies the members come from: {@link #discover} for the data path,
 * {@link LeaderView} (its own file) for the admin.
 */
final class Members {
  private static final Logger LOG = LoggerFactory.getLogger(Members.class);
  private static final long DISCOVERY_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(1);
  /**
   * How long a member that could not be reached is passed over and disbelieved as leader: long enough to
   * outlast an election (a killed leader's peers name it until they elect another), short enough that a
   * restarted node is tried again soon. Any answer from it ends the mark sooner.
   */
  static final long UNREACHABLE_FOR_NANOS = TimeUnit.SECONDS.toNanos(1);

  private final List<RaftPeer> seeds;
  private volatile List<RaftPeer> members;
  private volatile boolean membersKnown;
  private volatile RaftPeerId leader;
  /** The replica FOLLOWER reads go to, so one client's reads hit one warm node; null = choose anew. */
  private volatile RaftPeerId readReplica;
  private final AtomicInteger cursor = new AtomicInteger();
  private final AtomicBoolean discovering = new AtomicBoolean();
  private volatile long lastDiscoveryNanos = System.nanoTime() - DISCOVERY_INTERVAL_NANOS;
  private volatile boolean closed;
  /** Members whose last attempt found no one listening (refused or dropped connection), by when. */
  private final Map<RaftPeerId, Long> unreachableSince = new ConcurrentHashMap<>();
  private final LongSupplier nanoClock;

  Members(List<String> addresses) {
    this(addresses, System::nanoTime);
  }

  /** {@code nanoClock}: a {@link System#nanoTime()} stand-in, injectable for tests. */
  Members(List<String> addresses, LongSupplier nanoClock) {
    this.nanoClock = nanoClock;
    List<RaftPeer> s = new ArrayList<>();
    for (int i = 0; i < addresses.size(); i++) {
      s.add(RaftPeer.newBuilder().setId("seed-" + i).setAddress(addresses.get(i)).build());
    }
    this.seeds = List.copyOf(s);
    this.members = seeds;
    this.cursor.set(ThreadLocalRandom.current().nextInt(seeds.size()));
  }

  List<RaftPeer> seeds() {
    return seeds;
  }

  List<RaftPeer> members() {
    return members;
  }

  boolean membersKnown() {
    return membersKnown;
  }

  RaftPeerId leader() {
    return leader;
  }

  /** Where a request for the leader goes: the known leader, else the next member in turn. */
  RaftPeerId leaderOrNext() {
    RaftPeerId l = leader;
    return l != null && !isUnreachable(l) ? l : next();
  }

  /** The next member in round-robin order, passing over unreachable ones while any other is left. */
  RaftPeerId next() {
    return nextOtherThan(null);
  }

  /**
   * The next member in round-robin order other than {@code avoid} (null: none to avoid), preferring
   * reachable ones; an unreachable one only if no other is left; null if there is none at all.
   */
  RaftPeerId nextOtherThan(RaftPeerId avoid) {
    List<RaftPeer> m = members;
    RaftPeerId fallback = null;
    for (int i = 0; i < m.size(); i++) {
      RaftPeerId id = m.get(Math.floorMod(cursor.getAndIncrement(), m.size())).getId();
      if (id.equals(avoid)) {
        continue;
      }
      if (!isUnreachable(id)) {
        return id;
      }
      fallback = fallback == null ? id : fallback;
    }
    return fallback;
  }

  /**
   * {@code id} could not be reached (its connection was refused or dropped): pass it over for
   * {@link #UNREACHABLE_FOR_NANOS}, stop preferring it as leader, and disbelieve others who name it.
   */
  void unreachable(RaftPeerId id) {
    unreachableSince.put(id, nanoClock.getAsLong());
    notLeader(id);
  }

  /** {@code id} answered (whatever it said): it is reachable. */
  void answered(RaftPeerId id) {
    unreachableSince.remove(id);
  }

  /** True if {@code id} could not be reached within the last {@link #UNREACHABLE_FOR_NANOS}. */
  boolean isUnreachable(RaftPeerId id) {
    Long since = unreachableSince.get(id);
    if (since == null) {
      return false;
    }
    if (nanoClock.getAsLong() - since < UNREACHABLE_FOR_NANOS) {
      return true;
    }
    unreachableSince.remove(id, since);
    return false;
  }

  /** The member FOLLOWER reads use, chosen at random once and kept while it answers. */
  RaftPeerId readReplica() {
    RaftPeerId r = readReplica;
    if (r == null || !contains(r)) {
      List<RaftPeer> m = members;
      r = m.get(ThreadLocalRandom.current().nextInt(m.size())).getId();
      readReplica = r;
    }
    return r;
  }

  /** Learns the members a node named, making new ones addressable on {@code transport}. */
  void learnMembers(Collection<RaftPeer> peers, RaftTransport transport) {
    if (learnMembers(peers)) {
      transport.addPeers(peers);
    }
  }

  /**
   * Learns the group's members (ignored if empty). Returns true if they differ from what the view
   * had, so the caller can register new addresses with the transport.
   */
  synchronized boolean learnMembers(Collection<RaftPeer> peers) {
    if (peers == null || peers.isEmpty()) {
      return false;
    }
    List<RaftPeer> sorted = new ArrayList<>(peers);
    sorted.sort(Comparator.comparing(p -> p.getId().toString()));
    if (membersKnown && describe(sorted).equals(describe(members))) {
      return false;
    }
    members = List.copyOf(sorted);
    membersKnown = true;
    if (leader != null && !contains(leader)) {
      leader = null;
    }
    return true;
  }

  /**
   * {@code id} leads (a NotLeaderException named it, a GroupInfo said so, or it committed a write). Not
   * believed of a member this client could not reach a moment ago: after a leader's crash its peers go on
   * naming it until they elect another, and a call that followed them would only knock on its door again.
   * A node that answers is reachable again ({@link #answered}) before it is named here.
   */
  void leaderIs(RaftPeerId id) {
    if (id != null && contains(id) && !isUnreachable(id)) {
      leader = id;
    }
  }

  /** {@code id} failed or denied leading: stop preferring it (unless someone else was learnt meanwhile). */
  void notLeader(RaftPeerId id) {
    if (Objects.equals(leader, id)) {
      leader = null;
    }
  }

  /** The FOLLOWER-read replica failed: the next FOLLOWER read chooses again. */
  void readReplicaFailed(RaftPeerId id) {
    if (Objects.equals(readReplica, id)) {
      readReplica = null;
    }
  }

  /**
   * Asks the configured nodes, one at a time, for the group's members and leader until one answers.
   * Blocking, at most one RPC timeout per node; failure is not an error (calls find the leader through
   * NotLeaderException too).
   */
  void discover(RaftTransport transport) {
    lastDiscoveryNanos = System.nanoTime();
    for (RaftPeer seed : seeds) {
      if (closed) {
        return;
      }
      try {
        learn(transport.groupInfo(seed.getId()), transport);
        return;
      } catch (Exception e) {
        LOG.debug("{} did not describe the group: {}", seed.getAddress(), e.toString());
      }
    }
  }

  /** While only the seeds are known, look the members up in the background, at most once a second. */
  void discoverInBackground(RaftTransport transport, Executor executor) {
    if (closed || System.nanoTime() - lastDiscoveryNanos < DISCOVERY_INTERVAL_NANOS
        || !discovering.compareAndSet(false, true)) {
      return;
    }
    try {
      executor.execute(() -> {
        try {
          discover(transport);
        } finally {
          discovering.set(false);
        }
      });
    } catch (RuntimeException rejected) {
      discovering.set(false);
    }
  }

  /** No more discovery: the client is closing. */
  void close() {
    closed = true;
  }

  /**
   * Updates connections and this view from one failed attempt at {@code target}; called outside the
   * call's lock (may do I/O). {@code followerRead}: the target fails as a read replica too.
   */
  void learn(RaftTransport transport, RaftPeerId target, long generation, Failures.AttemptFailure f,
      boolean followerRead) {
    if (f.action() == Failures.AttemptFailure.Action.REBUILD) {
      transport.rebuild(f.cause());
    } else if (f.reconnect()) {
      transport.reconnect(target, generation, f.cause());
    }
    learnMembers(f.peers(), transport);
    if (Failures.unreachable(f.cause())) {
      unreachable(target);
    }
    if (f.targetNotLeader()) {
      notLeader(target);
    }
    if (f.suggestedLeader() != null) {
      transport.addPeers(List.of(f.suggestedLeader()));
      leaderIs(f.suggestedLeader().getId());
    }
    if (followerRead) {
      readReplicaFailed(target);
    }
  }

  /**
   * Learns from a GroupInfo reply: the group's members, and the leader as the answering node sees it
   * (itself if it leads, the leader it follows otherwise, null during an election), which it returns.
   */
  RaftPeerId learn(GroupInfoReply reply, RaftTransport transport) {
    learnMembers(List.copyOf(reply.getGroup().getPeers()), transport);
    RoleInfoProto role = reply.getRoleInfoProto();
    RaftPeerId leader = null;
    if (role != null && role.getRole() == RaftPeerRole.LEADER) {
      leader = RaftPeerId.valueOf(role.getSelf().getId());
    } else if (role != null && role.getRole() == RaftPeerRole.FOLLOWER && role.hasFollowerInfo()
        && role.getFollowerInfo().hasLeaderInfo()) {
      var id = role.getFollowerInfo().getLeaderInfo().getId().getId();
      leader = id.isEmpty() ? null : RaftPeerId.valueOf(id);
    }
    leaderIs(leader);
    return leader;
  }

  /** RaftPeer.equals compares ids only; a member whose address changed is a change too. */
  private static List<String> describe(List<RaftPeer> peers) {
    List<String> out = new ArrayList<>();
    for (RaftPeer p : peers) {
      out.add(p.getId() + "@" + p.getAddress());
    }
    return out;
  }

  private boolean contains(RaftPeerId id) {
    for (RaftPeer p : members) {
      if (p.getId().equals(id)) {
        return true;
      }
    }
    return false;
  }
}
