package quorumkv.client;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.grpc.GrpcConfigKeys;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.RaftServerConfigKeys;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.statemachine.TransactionContext;
import org.apache.ratis.statemachine.impl.BaseStateMachine;
import quorumkv.raftlog.command.ClusterIds;
import quorumkv.server.testing.Eventually;
import quorumkv.server.testing.LocalCluster;

/**
 * A one-node Ratis group with a state machine whose apply waits at a gate: for the Ratis failures that
 * need server settings LocalCluster does not take (it accepts only QuorumKV config keys, so no
 * {@code raft.server.write.element-limit}) or an apply that does not finish (a leader that is not ready).
 * Same transport and request path as a real node; the state machine answers every write with an empty
 * message once the gate is open.
 */
final class RawRatisNode implements AutoCloseable {
  static final String CLUSTER_ID = "raw-ratis";

  private final Path dir;
  private final int port;
  private final int writeElementLimit;
  private volatile CountDownLatch gate = new CountDownLatch(0);
  private RaftServer server;

  RawRatisNode(Path dir, int writeElementLimit) throws IOException {
    this.dir = dir;
    this.port = LocalCluster.freeLoopbackPorts(1).get(0);
    this.writeElementLimit = writeElementLimit;
    start(false);
    awaitLeader(true);
  }

  RaftPeer peer() {
    return RaftPeer.newBuilder().setId("r1").setAddress(address()).build();
  }

  String address() {
    return "127.0.0.1:" + port;
  }

  RaftGroup group() {
    return RaftGroup.valueOf(RaftGroupId.valueOf(ClusterIds.groupId(CLUSTER_ID)), List.of(peer()));
  }

  /** From now on every apply waits until {@link #openGate()}. */
  void closeGate() {
    gate = new CountDownLatch(1);
  }

  void openGate() {
    gate.countDown();
  }

  /** Restarts on the same storage and waits until the node leads again (ready or not). */
  void restart() throws IOException {
    server.close();
    start(true);
    awaitLeader(false);
  }

  /** A one-node group elects itself after an election timeout; requests before that get NotLeaderException. */
  private void awaitLeader(boolean ready) throws IOException {
    var info = server.getDivision(group().getGroupId()).getInfo();
    Eventually.assertTrue(Duration.ofSeconds(20), () -> ready ? info.isLeaderReady() : info.isLeader(),
        "r1 leads" + (ready ? " and is ready" : ""));
  }

  private void start(boolean recover) throws IOException {
    RaftProperties p = new RaftProperties();
    Files.createDirectories(dir);
    RaftServerConfigKeys.setStorageDir(p, List.of(dir.toFile()));
    GrpcConfigKeys.Server.setPort(p, port);
    RaftServerConfigKeys.Write.setElementLimit(p, writeElementLimit);
    server = RaftServer.newBuilder().setServerId(peer().getId()).setGroup(group()).setProperties(p)
        .setStateMachine(new GatedStateMachine())
        .setOption(recover ? RaftStorage.StartupOption.RECOVER : RaftStorage.StartupOption.FORMAT).build();
    server.start();
  }

  private final class GatedStateMachine extends BaseStateMachine {
    @Override
    public CompletableFuture<Message> applyTransaction(TransactionContext trx) {
      CountDownLatch g = gate;
      try {
        // Blocks the apply thread itself, so nothing after this entry applies either.
        if (!g.await(30, TimeUnit.SECONDS)) {
          throw new IllegalStateException("gate left closed");
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      updateLastAppliedTermIndex(trx.getLogEntry().getTerm(), trx.getLogEntry().getIndex());
      return CompletableFuture.completedFuture(Message.EMPTY);
    }
  }

  @Override
  public void close() throws IOException {
    openGate();
    server.close();
  }
}
