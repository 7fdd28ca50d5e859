package quorumkv.client.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.apache.ratis.proto.RaftProtos.RaftPeerRole;
import org.apache.ratis.protocol.RaftPeer;
import quorumkv.client.KvRejectedException;
import quorumkv.client.internal.LeaderView.Conf;
import quorumkv.raftlog.command.ErrorCode;

/**
 * A membership {@link RatisAdmin} converges on: whether a configuration already has it, and the
 * configuration to ask the leader for if not. Stated as the end state, so that a change repeated after a
 * lost reply or a leader change finds it done instead of doing it twice.
 */
sealed interface MembershipIntent {
  boolean holds(Conf c);

  /** The configuration to ask for; throws KvRejectedException if the intent cannot apply to {@code c}. */
  Conf apply(Conf c);

  /** {@code id} at {@code address} is a member: a listener ({@code asListener}), else a voter. */
  static MembershipIntent add(String id, String address, boolean asListener) {
    return new Add(RaftPeer.newBuilder().setId(Objects.requireNonNull(id, "id"))
        .setAddress(Objects.requireNonNull(address, "address"))
        .setStartupRole(asListener ? RaftPeerRole.LISTENER : RaftPeerRole.FOLLOWER).build(), asListener);
  }

  record Add(RaftPeer peer, boolean asListener) implements MembershipIntent {
    @Override
    public boolean holds(Conf c) {
      RaftPeer p = c.find(peer.getId().toString());
      if (p == null) {
        return false;
      }
      if (!Objects.equals(p.getAddress(), peer.getAddress())) {
        throw invalid(p.getId() + " is already a member at " + p.getAddress() + ", not " + peer.getAddress());
      }
      // addVoter: a node that is already a voter is done too.
      return c.listeners().contains(p) || !asListener;
    }

    @Override
    public Conf apply(Conf c) {
      if (c.find(peer.getId().toString()) != null) {
        throw invalid(peer.getId() + " is already a voter");
      }
      if (!asListener) {
        List<RaftPeer> voters = new ArrayList<>(c.voters());
        voters.add(peer);
        return new Conf(voters, c.listeners());
      }
      List<RaftPeer> listeners = new ArrayList<>(c.listeners());
      listeners.add(peer);
      return new Conf(c.voters(), listeners);
    }
  }

  /** Member {@code id} is a voter ({@code toVoter}) or a listener. */
  record Move(String id, boolean toVoter) implements MembershipIntent {
    public Move {
      Objects.requireNonNull(id, "id");
    }

    @Override
    public boolean holds(Conf c) {
      RaftPeer p = c.find(id);
      if (p == null) {
        throw invalid("no member " + id);
      }
      return c.voters().contains(p) == toVoter;
    }

    @Override
    public Conf apply(Conf c) {
      RaftPeer p = c.find(id);
      List<RaftPeer> voters = without(c.voters(), id);
      List<RaftPeer> listeners = without(c.listeners(), id);
      RaftPeer moved = RaftPeer.newBuilder(p)
          .setStartupRole(toVoter ? RaftPeerRole.FOLLOWER : RaftPeerRole.LISTENER).build();
      (toVoter ? voters : listeners).add(moved);
      if (voters.isEmpty()) {
        throw invalid("cannot demote " + id + ", the last voter");
      }
      return new Conf(voters, listeners);
    }
  }

  /** {@code id} is no member at all. */
  record Remove(String id) implements MembershipIntent {
    @Override
    public boolean holds(Conf c) {
      return c.find(id) == null;
    }

    @Override
    public Conf apply(Conf c) {
      List<RaftPeer> voters = without(c.voters(), id);
      if (voters.isEmpty()) {
        throw invalid("cannot remove " + id + ", the last voter");
      }
      return new Conf(voters, without(c.listeners(), id));
    }
  }

  /** The change makes no sense for the current configuration; nothing was changed. */
  static KvRejectedException invalid(String message) {
    return new KvRejectedException(ErrorCode.INVALID_ARGUMENT, message, null);
  }

  private static List<RaftPeer> without(List<RaftPeer> list, String id) {
    List<RaftPeer> out = new ArrayList<>();
    for (RaftPeer p : list) {
      if (!p.getId().toString().equals(id)) {
        out.add(p);
      }
    }
    return out;
  }
}
