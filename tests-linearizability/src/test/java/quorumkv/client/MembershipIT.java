package quorumkv.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.ratis.proto.RaftProtos.RaftPeerRole;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import quorumkv.client.connect.KvClients;
import quorumkv.raftlog.command.ErrorCode;
import quorumkv.server.ratis.NodeInternals;
import quorumkv.server.testing.LocalCluster;

/**
 * Membership changes through {@link KvClient#admin()} while writers run: nothing acknowledged is lost and
 * nothing applies twice (per-writer CAS counters and unique puts, see {@link Writers}).
 */
class MembershipIT {
  private static final Logger LOG = LoggerFactory.getLogger(MembershipIT.class);
  private static final Duration DEADLINE = Duration.ofSeconds(10);
  private static final Duration ADMIN_TIMEOUT = Duration.ofSeconds(30);
  private static final Duration PROGRESS = Duration.ofSeconds(30);

  @TempDir
  Path dir;

  private static KvClient connect(LocalCluster cluster) {
    return KvClients.connect(ClientItKit.configFor(cluster)
        .deadline(DEADLINE).build());
  }

  private static Set<String> ids(List<ClusterStatus.Member> members) {
    return members.stream().map(ClusterStatus.Member::id).collect(Collectors.toCollection(TreeSet::new));
  }

  /** The leader's own Raft configuration (not the client's view of it): voters and listeners by id. */
  private static Set<String> leaderConf(LocalCluster cluster, RaftPeerRole role) throws Exception {
    int leader = cluster.waitForLeader(Duration.ofSeconds(10));
    return NodeInternals.division(cluster.node(leader)).getRaftConf().getCurrentPeers(role).stream()
        .map(p -> p.getId().toString()).collect(Collectors.toCollection(TreeSet::new));
  }

  /**
   * A voter (the leader) is lost for good: remove it, promote the listener n4, and the cluster is back
   * to three voters; the writers lose nothing.
   */
  @Test
  void voterLostForGoodIsReplacedByPromotingAListener() throws Exception {
    try (LocalCluster cluster = LocalCluster.start(3, 1, dir, Map.of()); KvClient client = connect(cluster)) {
      cluster.waitForLeader(Duration.ofSeconds(30));
      KvAdmin admin = client.admin().withTimeout(ADMIN_TIMEOUT);
      Writers writers = new Writers(client, "lost/", 3).start();
      writers.awaitProgress(100, PROGRESS, "before the loss");

      int lost = cluster.waitForLeader(Duration.ofSeconds(10));
      String lostId = cluster.nodeId(lost);
      cluster.stop(lost);
      LOG.info("stopped leader {} for good after {} writes", lostId, writers.acked());
      writers.awaitProgress(50, PROGRESS, "with " + lostId + " gone");

      long t0 = System.nanoTime();
      admin.remove(lostId);
      long removedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
      writers.awaitProgress(50, PROGRESS, "after removing " + lostId);
      t0 = System.nanoTime();
      admin.promote("n4");
      long promotedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
      writers.awaitProgress(100, PROGRESS, "after promoting n4");
      LOG.info("remove {} took {} ms, promote n4 took {} ms", lostId, removedMs, promotedMs);

      ClusterStatus status = admin.clusterStatus();
      LOG.info("status after replacing {}: {}", lostId, status);
      assertEquals(3, status.voters().size(), status.toString());
      assertTrue(status.listeners().isEmpty(), status.toString());
      assertTrue(ids(status.voters()).contains("n4"));
      assertEquals(ids(status.voters()), leaderConf(cluster, RaftPeerRole.FOLLOWER));
      assertTrue(leaderConf(cluster, RaftPeerRole.LISTENER).isEmpty());

      // Three voters again: one more voter may be lost and writes go on.
      int leader = cluster.waitForLeader(Duration.ofSeconds(10));
      int other = -1;
      for (int i = 0; i < 4; i++) {
        if (i != lost && i != leader) {
          other = i;
          break;
        }
      }
      cluster.stop(other);
      writers.awaitProgress(50, PROGRESS, "with " + cluster.nodeId(other) + " down as well");
      cluster.restart(other);
      LOG.info("voter lost for good: {}", writers.stopAndVerify(DEADLINE.multipliedBy(3)));
    }
  }

  /**
   * Leader transfer, adding a brand-new node (listener first, then promoted), demoting the leader and
   * removing it, all while three writers run.
   */
  /**
   * addVoter adds a listener first; if that listener then cannot catch up in time, something did change,
   * so the call must not say "nothing changed" (unavailable): it was reported so before the fix.
   */
  @Test
  void addVoterWhoseListenerCannotCatchUpSaysTheListenerStays() throws Exception {
    try (LocalCluster cluster = LocalCluster.start(3, dir); KvClient client = connect(cluster)) {
      cluster.waitForLeader(Duration.ofSeconds(30));
      int n4 = cluster.addNode(true);
      String address = cluster.addresses().get(n4);
      client.admin().withTimeout(ADMIN_TIMEOUT).addListener("n4", address);
      cluster.stop(n4);
      for (int i = 0; i < 200; i++) {
        client.put("behind/k" + i, "v"); // n4, down, falls more than 64 entries behind
      }
      KvAdmin quick = client.admin().withTimeout(Duration.ofSeconds(3));
      KvIndeterminateException e = assertThrows(KvIndeterminateException.class, () -> quick.addVoter("n4", address));
      assertTrue(e.getMessage().contains("added as a listener"), e.getMessage());
      assertTrue(ids(quick.clusterStatus().listeners()).contains("n4"), "the listener stays");
    }
  }

  @Test
  void leaderTransferAndMembershipChangesUnderWrites() throws Exception {
    try (LocalCluster cluster = LocalCluster.start(3, dir); KvClient client = connect(cluster)) {
      cluster.waitForLeader(Duration.ofSeconds(30));
      KvAdmin admin = client.admin().withTimeout(ADMIN_TIMEOUT);
      Writers writers = new Writers(client, "changes/", 3).start();
      writers.awaitProgress(100, PROGRESS, "at the start");

      // Leader transfer to each other voter in turn.
      for (int round = 0; round < 2; round++) {
        String from = admin.clusterStatus().leaderId();
        String to = from.equals("n1") ? "n2" : "n1";
        long t0 = System.nanoTime();
        admin.transferLeadership(to);
        LOG.info("leader {} -> {} in {} ms", from, to, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
        assertEquals(to, admin.clusterStatus().leaderId());
        writers.awaitProgress(50, PROGRESS, "after transfer to " + to);
      }

      // A brand-new node n4 joins as a listener, catches up, becomes a voter.
      int n4 = cluster.addNode(true);
      long t0 = System.nanoTime();
      admin.addVoter("n4", cluster.addresses().get(n4));
      LOG.info("added n4 as a voter in {} ms", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
      assertEquals(Set.of("n1", "n2", "n3", "n4"), leaderConf(cluster, RaftPeerRole.FOLLOWER));
      writers.awaitProgress(50, PROGRESS, "after adding n4");

      // Idempotent and validated.
      admin.addVoter("n4", cluster.addresses().get(n4));
      KvRejectedException bad = assertThrows(KvRejectedException.class, () -> admin.promote("n9"));
      assertEquals(ErrorCode.INVALID_ARGUMENT, bad.code());

      // The leader demoted to a listener (it hands over leadership), then removed; then leadership
      // moves to the new node.
      String demoted = admin.clusterStatus().leaderId();
      admin.demote(demoted);
      assertEquals(Set.of(demoted), leaderConf(cluster, RaftPeerRole.LISTENER));
      String next = admin.clusterStatus().leaderId();
      LOG.info("demoted leader {}; {} leads", demoted, next);
      assertTrue(!next.equals(demoted));
      writers.awaitProgress(50, PROGRESS, "after demoting " + demoted);
      admin.remove(demoted);
      writers.awaitProgress(50, PROGRESS, "after removing " + demoted);
      admin.transferLeadership("n4");
      writers.awaitProgress(50, PROGRESS, "after transfer to n4");

      Set<String> voters = new TreeSet<>(Set.of("n1", "n2", "n3", "n4"));
      voters.remove(demoted);
      ClusterStatus status = admin.clusterStatus();
      LOG.info("final status: {}", status);
      assertEquals("n4", status.leaderId());
      assertEquals(voters, ids(status.voters()));
      assertTrue(status.listeners().isEmpty());
      assertEquals(voters, leaderConf(cluster, RaftPeerRole.FOLLOWER));
      cluster.stop(Integer.parseInt(demoted.substring(1)) - 1); // no longer a member
      writers.awaitProgress(50, PROGRESS, "with " + demoted + " stopped");
      LOG.info("membership changes under writes: {}", writers.stopAndVerify(DEADLINE.multipliedBy(3)));
      assertTrue(writers.slowestMillis() <= DEADLINE.toMillis() + 5000, "slowest " + writers.slowestMillis());
    }
  }
}
