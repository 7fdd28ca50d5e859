package quorumkv.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.ratis.protocol.RaftClientAsynchronousProtocol;
import org.apache.ratis.server.RaftServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import quorumkv.client.connect.KvClients;
import quorumkv.server.ratis.NodeInternals;
import quorumkv.server.testing.LocalCluster;

/**
 * A node's own client ({@code KvClients.connectInProcess}, what the HTTP front uses): calls addressed to
 * that node reach its Ratis server in process, calls to the others go over gRPC, and results are the
 * same either way, also where the node answers "not the leader" and the client must move on. The local
 * server is wrapped in a counter, so a call that went over gRPC instead shows as a missing count.
 */
class InProcessClientIT {
  @TempDir
  static Path dir;
  static LocalCluster cluster;
  static int leader;

  @BeforeAll
  static void start() throws Exception {
    cluster = ClientItKit.startCluster(3, dir);
    leader = cluster.waitForLeader(ClientItKit.FIRST_LEADER);
  }

  @AfterAll
  static void stop() {
    if (cluster != null) {
      cluster.close();
    }
  }

  /** Counts the requests handed to node {@code index}'s Ratis server in process. */
  private static RaftClientAsynchronousProtocol counting(int index, AtomicInteger count) {
    RaftServer server = NodeInternals.server(cluster.node(index));
    return request -> {
      count.incrementAndGet();
      return server.submitClientRequestAsync(request);
    };
  }

  @Test
  void onTheLeaderWritesAndItsOwnReadsStayInProcess() {
    AtomicInteger local = new AtomicInteger();
    String self = cluster.nodeId(leader);
    String other = cluster.nodeId((leader + 1) % 3);
    try (KvClient client = KvClients.connectInProcess(ClientItKit.configFor(cluster).build(), self,
        counting(leader, local))) {
      KvResult.Put put = client.put("inproc/k", "v1");
      assertTrue(local.get() >= 1, "the write went to the local leader in process: " + local);

      int before = local.get();
      assertEquals("v1", client.get("inproc/k", ReadOptions.linearizable().atReplica(self)).valueUtf8());
      assertEquals("v1", client.get("inproc/k", ReadOptions.follower().atReplica(self)
          .atLeastIndex(put.index())).valueUtf8());
      assertEquals(before + 2, local.get(), "both reads aimed at " + self + " were served in process");

      int beforeRemote = local.get();
      assertEquals("v1", client.get("inproc/k", ReadOptions.follower().atReplica(other)
          .atLeastIndex(put.index())).valueUtf8());
      assertEquals("v1", client.get("inproc/k", ReadOptions.linearizable().atReplica(other)).valueUtf8());
      assertEquals(beforeRemote, local.get(), "reads aimed at " + other + " went over gRPC");
    }
  }

  @Test
  void onAFollowerWritesMoveToTheLeaderAndLocalReadsStayInProcess() {
    int follower = (leader + 2) % 3;
    String self = cluster.nodeId(follower);
    AtomicInteger local = new AtomicInteger();
    try (KvClient client = KvClients.connectInProcess(ClientItKit.configFor(cluster).build(), self,
        counting(follower, local))) {
      // Whether the first attempt went to this follower (in process, refused as not the leader) or
      // straight to the leader, the write applies once and the client then writes to the leader.
      KvResult.Put first = client.put("inproc/f", "a");
      int afterFirst = local.get();
      KvResult.Put second = client.put("inproc/f", "b");
      assertEquals(afterFirst, local.get(), "once the leader is known, writes go to it over gRPC");
      assertTrue(first.index() < second.index(), first + " then " + second);

      assertEquals("b", client.get("inproc/f", ReadOptions.linearizable().atReplica(self)).valueUtf8());
      assertEquals(afterFirst + 1, local.get(), "the ReadIndex read on " + self + " was served in process");
      assertEquals(2, client.get("inproc/f").keyValue().version(), "each write applied once");
    }
  }
}
