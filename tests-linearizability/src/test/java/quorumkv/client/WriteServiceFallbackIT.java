package quorumkv.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.grpc.GrpcConfigKeys;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.RaftServerConfigKeys;
import org.apache.ratis.server.storage.RaftStorage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import quorumkv.client.connect.KvClients;
import quorumkv.raftlog.command.ClusterIds;
import quorumkv.raftlog.command.RequestLimits;
import quorumkv.raftlog.statemachine.KvStateMachine;
import quorumkv.raftlog.store.StoreOptions;
import quorumkv.server.testing.Eventually;
import quorumkv.server.testing.LocalCluster;

/**
 * A node from before the write service (issue 16's server-side group commit) answers the client's write
 * call UNIMPLEMENTED: the client then sends that node its writes as Raft client requests, as it did before,
 * and the writes apply (once each). The node here is QuorumKV's state machine in a plain Ratis server, with
 * none of the services a current node adds to its Raft port.
 */
class WriteServiceFallbackIT {
  private static final String CLUSTER_ID = "before-write-service";

  @TempDir
  Path dir;

  @Test
  void writesToANodeWithoutTheWriteServiceGoAsRaftRequestsAndApplyOnce() throws Exception {
    int port = LocalCluster.freeLoopbackPorts(1).get(0);
    RaftPeer peer = RaftPeer.newBuilder().setId("old1").setAddress("127.0.0.1:" + port).build();
    RaftGroup group = RaftGroup.valueOf(RaftGroupId.valueOf(ClusterIds.groupId(CLUSTER_ID)), List.of(peer));
    RaftProperties p = new RaftProperties();
    Files.createDirectories(dir.resolve("raft"));
    RaftServerConfigKeys.setStorageDir(p, List.of(dir.resolve("raft").toFile()));
    RaftServerConfigKeys.Read.setOption(p, RaftServerConfigKeys.Read.Option.LINEARIZABLE);
    GrpcConfigKeys.Server.setPort(p, port);
    try (RaftServer server = RaftServer.newBuilder().setServerId(peer.getId()).setGroup(group).setProperties(p)
        .setStateMachine(new KvStateMachine(dir.resolve("db"), StoreOptions.DEFAULTS, RequestLimits.DEFAULTS))
        .setOption(RaftStorage.StartupOption.FORMAT).build()) {
      server.start();
      var info = server.getDivision(group.getGroupId()).getInfo();
      Eventually.assertTrue(Duration.ofSeconds(30), info::isLeaderReady, "old1 leads");

      KvClientConfig config = KvClientConfig.builder().addresses(peer.getAddress()).clusterId(CLUSTER_ID)
          .deadline(Duration.ofSeconds(20)).build();
      assertTrue(config.serverGroupCommit(), "the default: writes go to the write service first");
      try (KvClient client = KvClients.connect(config)) {
        for (int i = 1; i <= 5; i++) {
          assertTrue(client.put("k", "v" + i).revision() > 0, "write " + i);
        }
        KvResult.Get got = client.get("k");
        assertEquals("v5", got.valueUtf8());
        assertEquals(5, got.keyValue().version(), "five writes, each applied once");
      }
    }
  }
}
