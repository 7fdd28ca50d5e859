package quorumkv.server.admin;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.ratis.proto.RaftProtos.RaftPeerRole;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.protocol.SetConfigurationRequest;
import org.apache.ratis.server.RaftConfiguration;
import quorumkv.server.gateway.ClusterGateway;
import quorumkv.server.ratis.KvNode;

/**
 * Membership and leadership changes through Ratis's admin API. Each change is a compare-and-set against
 * the configuration this node sees, so two operators racing cannot silently undo each other; Ratis
 * stages a new member (catches its log up) before it counts toward the quorum. A listener is a non-voting
 * member that receives the log asynchronously. The node's {@code quorumkv.raft.peers} is only the
 * initial configuration: after a change, the Raft log holds the truth.
 */
public final class MembershipAdmin {
  private final KvNode node;
  private final ClusterGateway gateway;

  public MembershipAdmin(KvNode node, ClusterGateway gateway) {
    this.node = node;
    this.gateway = gateway;
  }

  /** Adds {@code id} at {@code address} ("host:port") as a voter or a listener. */
  public void add(String id, String address, boolean listener) throws AdminException, IOException {
    Conf c = current();
    if (c.find(id) != null) {
      throw new AdminException("member " + id + " is already in the configuration", true, null);
    }
    RaftPeer peer = RaftPeer.newBuilder().setId(id).setAddress(address)
        .setStartupRole(listener ? RaftPeerRole.LISTENER : RaftPeerRole.FOLLOWER).build();
    List<RaftPeer> voters = new ArrayList<>(c.voters);
    List<RaftPeer> listeners = new ArrayList<>(c.listeners);
    (listener ? listeners : voters).add(peer);
    change(c, voters, listeners);
  }

  public void remove(String id) throws AdminException, IOException {
    Conf c = current();
    if (c.find(id) == null) {
      throw new AdminException("no member " + id, true, null);
    }
    List<RaftPeer> voters = without(c.voters, id);
    if (voters.isEmpty()) {
      throw new AdminException("cannot remove the last voter", true, null);
    }
    change(c, voters, without(c.listeners, id));
  }

  /** Makes a listener a voter. */
  public void promote(String id) throws AdminException, IOException {
    move(id, true);
  }

  /** Makes a voter a listener. */
  public void demote(String id) throws AdminException, IOException {
    move(id, false);
  }

  /** Asks the cluster to hand leadership to {@code id}, waiting up to {@code timeoutMs}. */
  public void transferLeadership(String id, long timeoutMs) throws AdminException, IOException {
    Conf c = current();
    RaftPeer target = c.find(id);
    if (target == null || c.listeners.contains(target)) {
      throw new AdminException(id + " is not a voter", true, null);
    }
    RaftClientReply reply = gateway.withClient(client -> client.admin().transferLeadership(RaftPeerId.valueOf(id), timeoutMs));
    check(reply, "leader transfer to " + id);
  }

  private void move(String id, boolean toVoter) throws AdminException, IOException {
    Conf c = current();
    RaftPeer p = c.find(id);
    if (p == null) {
      throw new AdminException("no member " + id, true, null);
    }
    boolean isVoter = c.voters.contains(p);
    if (isVoter == toVoter) {
      throw new AdminException(id + " is already a " + (toVoter ? "voter" : "listener"), true, null);
    }
    List<RaftPeer> voters = without(c.voters, id);
    List<RaftPeer> listeners = without(c.listeners, id);
    RaftPeer moved = RaftPeer.newBuilder(p).setStartupRole(toVoter ? RaftPeerRole.FOLLOWER : RaftPeerRole.LISTENER).build();
    (toVoter ? voters : listeners).add(moved);
    if (voters.isEmpty()) {
      throw new AdminException("cannot demote the last voter", true, null);
    }
    change(c, voters, listeners);
  }

  private void change(Conf current, List<RaftPeer> voters, List<RaftPeer> listeners) throws AdminException, IOException {
    SetConfigurationRequest.Arguments args = SetConfigurationRequest.Arguments.newBuilder()
        .setServersInNewConf(voters).setListenersInNewConf(listeners)
        .setServersInCurrentConf(current.voters).setListenersInCurrentConf(current.listeners)
        .setMode(SetConfigurationRequest.Mode.COMPARE_AND_SET).build();
    check(gateway.withClient(client -> client.admin().setConfiguration(args)), "configuration change");
  }

  private static void check(RaftClientReply reply, String what) throws AdminException {
    if (!reply.isSuccess()) {
      var e = reply.getException();
      String message = e == null ? "unsuccessful" : e.getMessage();
      boolean conflict = message != null && message.toLowerCase(Locale.ROOT).contains("configuration");
      throw new AdminException(what + " failed: " + message, conflict, e);
    }
  }

  private Conf current() throws IOException {
    RaftConfiguration conf = node.division().getRaftConf();
    return new Conf(List.copyOf(conf.getCurrentPeers(RaftPeerRole.FOLLOWER)),
        List.copyOf(conf.getCurrentPeers(RaftPeerRole.LISTENER)));
  }

  private static List<RaftPeer> without(List<RaftPeer> peers, String id) {
    List<RaftPeer> out = new ArrayList<>();
    for (RaftPeer p : peers) {
      if (!p.getId().toString().equals(id)) {
        out.add(p);
      }
    }
    return out;
  }

  private record Conf(List<RaftPeer> voters, List<RaftPeer> listeners) {
    RaftPeer find(String id) {
      for (RaftPeer p : voters) {
        if (p.getId().toString().equals(id)) {
          return p;
        }
      }
      for (RaftPeer p : listeners) {
        if (p.getId().toString().equals(id)) {
          return p;
        }
      }
      return null;
    }
  }
}
