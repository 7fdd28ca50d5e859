package quorumkv.linearizability.harness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import quorumkv.client.KvClient;
import quorumkv.client.KvClientConfig;
import quorumkv.client.connect.KvClients;
import quorumkv.linearizability.cluster.InProcessClusterControl;

/**
 * A leader cut off from the other voters must not answer a linearizable read once a new leader has
 * committed a write. Raft's ReadIndex serves a read only after a majority confirmed the leadership
 * after the read arrived; Ratis 3.3 skips that round when an earlier read's round already confirmed
 * the same commit index (ReadIndexHeartbeats: "the readIndex is already acknowledged before"), and the
 * commit index of a cut-off leader cannot move. Made deterministic with one node's timeouts: n1 leads
 * with a 9 s maximum election timeout, so it believes it leads for 9 s or more after losing the others
 * (Ratis steps a leader down after one maximum timeout without a majority), while n2 and n3 (300-600 ms)
 * elect a new leader and commit a write well within that. The clients reach n1 all along: only the links
 * between the nodes are cut.
 */
class CutOffLeaderReadIT {
  @TempDir
  Path dir;

  @Test
  void aLeaderCutOffFromTheOthersAnswersNoReadAfterANewLeaderCommitted() throws Exception {
    Map<String, String> overrides = Map.of("n1/quorumkv.raft.election-timeout.max", "9s");
    try (InProcessClusterControl cluster = InProcessClusterControl.start(3, dir, overrides)) {
      cluster.transferLeadership(0);
      List<String> addresses = cluster.clientAddresses();
      KvClientConfig.Builder base = KvClientConfig.builder().clusterId(cluster.clusterId()).tls(cluster.clientTls());
      try (KvClient viaN1 = KvClients.connect(base.addresses(addresses.get(0)).deadline(Duration.ofSeconds(5)).build())) {
        viaN1.put("k", "before");
        // Reads with a heartbeat round: the leader's commit index is now one a round confirmed.
        assertEquals("before", viaN1.get("k").valueUtf8());
        assertEquals("before", viaN1.get("k").valueUtf8());
        assertEquals(0, cluster.leader(), "precondition: n1 leads");

        cluster.partition(List.of(Set.of(0), Set.of(1, 2)));
        try (KvClient majority = KvClients.connect(base.addresses(addresses.get(1), addresses.get(2))
            .deadline(Duration.ofSeconds(20)).build())) {
          majority.put("k", "after");   // acknowledged: committed by the leader n2 and n3 elected
        }
        assertTrue(cluster.cluster().node(0).isLeader(),
            "precondition: n1 still believes it leads (it steps down only after its 9 s timeout)");
        // n1 refuses (it cannot show that a majority answered it just now) and the client asks the others.
        assertEquals("after", viaN1.get("k").valueUtf8(),
            "a linearizable read returned a value overwritten by an acknowledged write");
      }
    }
  }
}
