package quorumkv.server.ratis;

import java.util.Set;
import java.util.function.Predicate;
import quorumkv.raftlog.command.Caller;
import quorumkv.server.tls.CertificateIdentity;

/**
 * Who may call what on the Raft port (one port serves Ratis's peer, client and admin services). Ratis's
 * state machine never sees the caller's certificate, and its peer and admin calls never reach the state
 * machine, so this is checked in front of every call, on the verified certificate:
 * <ul>
 *   <li>the peer service (append entries, votes, snapshots, read index, leader election) takes only a
 *       member of the current configuration: a node certificate whose name is a member id;</li>
 *   <li>the admin service's reads (group info and list: how clients find the leader) take any caller with
 *       a certificate from the CA; its changes (membership, leadership transfer, group management, which
 *       can delete a node's group directory, snapshots, election pause) only members, nodes of the
 *       configured peer list (a node that took itself out to rejoin as a listener must add itself back) and
 *       admins;</li>
 *   <li>the client service, the watch service and the write service (group commit) take any caller with a
 *       certificate from the CA; a non-member's requests are sent on in an envelope naming it
 *       ({@link #onBehalfOf}), and the state machine (for watches, the watch hub) authorizes them.</li>
 * </ul>
 * Admins are the names in the node's {@code quorumkv.auth.admins} and, judged on this node's applied state,
 * users holding admin access (everyone while authorization is off); group management, which deletes this
 * node's data, stays with the configured admins, members and configured nodes.
 */
final class RaftPortPolicy {
  static final String PEER_SERVICE = "ratis.grpc.RaftServerProtocolService";
  static final String CLIENT_SERVICE = "ratis.grpc.RaftClientProtocolService";
  static final String ADMIN_SERVICE = "ratis.grpc.AdminProtocolService";
  private static final Set<String> ADMIN_READS = Set.of("groupInfo", "groupList");
  private static final String GROUP_MANAGEMENT = "groupManagement";

  private final Predicate<String> isMember;
  private final Set<String> configuredPeers;
  private final Set<String> admins;
  private final Predicate<String> replicatedAdmin;

  RaftPortPolicy(Predicate<String> isMember, Set<String> configuredPeers, Set<String> admins) {
    this(isMember, configuredPeers, admins, name -> false);
  }

  RaftPortPolicy(Predicate<String> isMember, Set<String> configuredPeers, Set<String> admins,
      Predicate<String> replicatedAdmin) {
    this.isMember = isMember;
    this.configuredPeers = Set.copyOf(configuredPeers);
    this.admins = Set.copyOf(admins);
    this.replicatedAdmin = replicatedAdmin;
  }

  /** Null for a member node (its requests go through as they are); otherwise the caller to act for. */
  Caller onBehalfOf(CertificateIdentity caller) {
    if (caller.node() && isMember.test(caller.name())) {
      return null;
    }
    return new Caller(caller.name().isEmpty() ? "(no name)" : caller.name(), admins.contains(caller.name()));
  }

  /** Null if {@code caller} may call {@code service}/{@code method}; otherwise why not, in one line. */
  String denial(String service, String method, CertificateIdentity caller) {
    boolean member = caller.node() && isMember.test(caller.name());
    switch (service) {
      case PEER_SERVICE:
        return member ? null : "only members of the cluster may call the Raft peer service (" + method + "); "
            + caller + " is " + (caller.node() ? "not a member of the current configuration" : "not a node certificate");
      case ADMIN_SERVICE:
        boolean configuredNode = caller.node() && configuredPeers.contains(caller.name());
        if (ADMIN_READS.contains(method) || member || configuredNode || admins.contains(caller.name())) {
          return null;
        }
        if (!GROUP_MANAGEMENT.equals(method) && replicatedAdmin.test(caller.name())) {
          return null;
        }
        return "only members, configured nodes and admins may call " + method + "; " + caller + " is none of them";
      case CLIENT_SERVICE:
      case quorumkv.raftlog.command.WatchMessage.SERVICE:
      case quorumkv.raftlog.command.GroupWrite.SERVICE:
        return null; // any certificate from the CA: the state machine (the watch hub) checks grants
      default:
        return "unknown service on the Raft port";
    }
  }
}
