package quorumkv.client.internal;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;

/**
 * The client's view of the group: its members and which one it believes leads. Starts with one
 * placeholder peer per configured address ({@code seed-0}, {@code seed-1}, ...): peer ids are not known
 * up front, and a Ratis server routes a client request by group id, not by the peer id it names. The
 * real members (ids and addresses as the servers know them) replace the seeds as soon as a node says
 * who they are, in a GroupInfo reply or a NotLeaderException.
 *
 * <p>Thread-safe; every field is a volatile snapshot, and a stale read of it costs one extra hop.
 */
final class PeerView {
  private final List<RaftPeer> seeds;
  private volatile List<RaftPeer> members;
  private volatile boolean membersKnown;
  private volatile RaftPeerId leader;
  /** The replica FOLLOWER reads go to, so one client's reads hit one warm node; null = choose anew. */
  private volatile RaftPeerId readReplica;
  private final AtomicInteger cursor = new AtomicInteger();

  PeerView(List<String> addresses) {
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
    return l != null ? l : next();
  }

  /** The next member in round-robin order. */
  RaftPeerId next() {
    List<RaftPeer> m = members;
    return m.get(Math.floorMod(cursor.getAndIncrement(), m.size())).getId();
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

  /** {@code id} leads (a NotLeaderException named it, a GroupInfo said so, or it committed a write). */
  void leaderIs(RaftPeerId id) {
    if (id != null && contains(id)) {
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
