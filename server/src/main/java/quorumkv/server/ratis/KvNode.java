package quorumkv.server.ratis;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.util.List;
import org.apache.ratis.proto.RaftProtos.RaftPeerRole;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.storage.RaftStorage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import quorumkv.raftlog.command.ClusterIds;
import quorumkv.raftlog.statemachine.KvStateMachine;
import quorumkv.raftlog.statemachine.StateMachineListener;
import quorumkv.server.DataDirGuard;
import quorumkv.server.config.ConfigException;
import quorumkv.server.config.PeerSpec;
import quorumkv.server.config.ServerConfig;

/**
 * One QuorumKV node: a Ratis server in the cluster's single Raft group, running {@link KvStateMachine}.
 *
 * <p>Data dir layout: {@code IDENTITY} (cluster and node id), {@code raft/<group-uuid>/current/} (Raft log
 * segments and metadata), {@code raft/<group-uuid>/sm/snapshot.<term>_<index>/} (RocksDB checkpoints),
 * {@code db/} (the live RocksDB).
 */
public final class KvNode implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(KvNode.class);

  private final ServerConfig config;
  private final RaftGroupId groupId;
  private final RaftServer server;
  private final KvStateMachine stateMachine;

  private KvNode(ServerConfig config, RaftGroupId groupId, RaftServer server, KvStateMachine stateMachine) {
    this.config = config;
    this.groupId = groupId;
    this.server = server;
    this.stateMachine = stateMachine;
  }

  /** Validates the data dir and port, then starts the node; throws {@link ConfigException} on bad setup. */
  public static KvNode start(ServerConfig config) throws IOException {
    return start(config, StateMachineListener.NONE);
  }

  /** As {@link #start(ServerConfig)}, reporting state-machine events (metrics) to {@code listener}. */
  public static KvNode start(ServerConfig config, StateMachineListener listener) throws IOException {
    DataDirGuard.claim(config);
    checkPortFree(config.bindPort());
    RaftGroupId groupId = RaftGroupId.valueOf(ClusterIds.groupId(config.clusterId()));
    RaftGroup group = RaftGroup.valueOf(groupId, peers(config.peers()));
    KvStateMachine stateMachine = new KvStateMachine(config.dbDir(), config.store(), config.limits(), listener);
    boolean recover = Files.isDirectory(config.raftDir().resolve(groupId.getUuid().toString()));
    RaftServer server = RaftServer.newBuilder()
        .setServerId(RaftPeerId.valueOf(config.nodeId()))
        .setGroup(group)
        .setStateMachine(stateMachine)
        .setProperties(RaftPropertiesFactory.create(config))
        .setOption(recover ? RaftStorage.StartupOption.RECOVER : RaftStorage.StartupOption.FORMAT)
        .build();
    try {
      server.start();
    } catch (IOException | RuntimeException e) {
      server.close();
      throw e;
    }
    LOG.info("node={} started ({}), group={}", config.nodeId(), recover ? "recovered" : "formatted", groupId);
    return new KvNode(config, groupId, server, stateMachine);
  }

  static List<RaftPeer> peers(List<PeerSpec> specs) {
    return specs.stream().map(p -> RaftPeer.newBuilder()
        .setId(p.id())
        .setAddress(p.address())
        .setStartupRole(p.role() == PeerSpec.Role.LISTENER ? RaftPeerRole.LISTENER : RaftPeerRole.FOLLOWER)
        .build()).toList();
  }

  private static void checkPortFree(int port) {
    try (ServerSocket s = new ServerSocket()) {
      s.setReuseAddress(true);
      s.bind(new InetSocketAddress(port));
    } catch (IOException e) {
      throw new ConfigException("port " + port + " is in use (" + e.getMessage() + "); is another node running?");
    }
  }

  public ServerConfig config() {
    return config;
  }

  public RaftGroupId groupId() {
    return groupId;
  }

  public RaftServer server() {
    return server;
  }

  public KvStateMachine stateMachine() {
    return stateMachine;
  }

  /** This node's view of its Raft group member (role, term, leader, indexes). */
  public RaftServer.Division division() throws IOException {
    return server.getDivision(groupId);
  }

  public boolean isLeader() {
    try {
      return division().getInfo().isLeader();
    } catch (IOException e) {
      return false;
    }
  }

  @Override
  public void close() throws IOException {
    server.close();
    LOG.info("node={} stopped", config.nodeId());
  }
}
