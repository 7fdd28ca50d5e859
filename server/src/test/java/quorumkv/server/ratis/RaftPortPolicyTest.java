package quorumkv.server.ratis;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Set;
import org.junit.jupiter.api.Test;
import quorumkv.server.tls.CertificateIdentity;

/** The Raft port's rules, service by service, for members, impostors, clients and admins. */
class RaftPortPolicyTest {
  private final RaftPortPolicy policy = new RaftPortPolicy(Set.of("n1", "n2", "n3")::contains,
      Set.of("n1", "n2", "n3", "n4"), Set.of("root"));
  private static final String PEER = RaftPortPolicy.PEER_SERVICE;
  private static final String ADMIN = RaftPortPolicy.ADMIN_SERVICE;
  private static final String CLIENT = RaftPortPolicy.CLIENT_SERVICE;

  @Test
  void onlyMembersNodeCertificatesReachThePeerService() {
    assertNull(policy.denial(PEER, "appendEntries", new CertificateIdentity("n2", true)));
    String clientNamedLikeAMember = policy.denial(PEER, "requestVote", new CertificateIdentity("n2", false));
    assertTrue(clientNamedLikeAMember.contains("not a node certificate"), clientNamedLikeAMember);
    String removed = policy.denial(PEER, "requestVote", new CertificateIdentity("n4", true));   // configured, not a member
    assertTrue(removed.contains("not a member of the current configuration"), removed);
    assertNotNull(policy.denial(PEER, "appendEntries", new CertificateIdentity("root", false)), "admins are not peers");
  }

  @Test
  void adminChangesNeedAMemberOrAnAdminReadsDoNot() {
    CertificateIdentity app = new CertificateIdentity("app", false);
    assertNull(policy.denial(ADMIN, "groupInfo", app));
    assertNull(policy.denial(ADMIN, "groupList", app));
    for (String change : new String[] {"setConfiguration", "transferLeadership", "groupManagement",
        "snapshotManagement", "leaderElectionManagement"}) {
      assertNotNull(policy.denial(ADMIN, change, app), change);
      assertNull(policy.denial(ADMIN, change, new CertificateIdentity("root", false)), change);
      assertNull(policy.denial(ADMIN, change, new CertificateIdentity("n3", true)), change);
      assertNotNull(policy.denial(ADMIN, change, new CertificateIdentity("n3", false)), change);
      // n4 is configured but not a member now (it took itself out to rejoin as a listener): it may add itself
      assertNull(policy.denial(ADMIN, change, new CertificateIdentity("n4", true)), change);
      assertNotNull(policy.denial(ADMIN, change, new CertificateIdentity("n5", true)), change);
    }
  }

  @Test
  void clientsUseTheClientServiceAndNothingElseIsServed() {
    assertNull(policy.denial(CLIENT, "ordered", new CertificateIdentity("app", false)));
    assertNotNull(policy.denial("grpc.health.v1.Health", "Check", new CertificateIdentity("n1", true)));
  }
}
