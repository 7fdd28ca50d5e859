package quorumkv.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.conf.Parameters;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.grpc.GrpcConfigKeys;
import org.apache.ratis.grpc.GrpcTlsConfig;
import org.apache.ratis.proto.RaftProtos;
import org.apache.ratis.proto.grpc.RaftServerProtocolServiceGrpc;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.retry.RetryPolicies;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.thirdparty.io.grpc.Status;
import org.apache.ratis.thirdparty.io.grpc.StatusRuntimeException;
import org.apache.ratis.thirdparty.io.grpc.netty.GrpcSslContexts;
import org.apache.ratis.thirdparty.io.grpc.netty.NettyChannelBuilder;
import quorumkv.client.KvClient;
import quorumkv.client.KvClientConfig;
import quorumkv.client.KvException;
import quorumkv.client.KvUnavailableException;
import quorumkv.client.connect.KvClients;
import quorumkv.client.tls.TlsFiles;
import quorumkv.raftlog.command.Permission;
import quorumkv.server.config.ConfigKeys;
import quorumkv.server.ratis.NodeInternals;
import quorumkv.server.testing.Eventually;
import quorumkv.server.testing.LocalCluster;
import quorumkv.server.tls.DevPki;

/**
 * The Raft port over mutual TLS (Ratis's gRPC with its shaded BoringSSL): a three-node cluster with
 * certificates from one development CA elects a leader and serves a client that has a certificate from
 * that CA; a plaintext client and a client with a certificate from another CA are refused; a TLS 1.2-only
 * handshake is refused while 1.2 is off; a node whose certificate comes from another CA cannot join.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RaftTlsIT {
  private static final Duration SHORT = Duration.ofSeconds(3);
  private LocalCluster cluster;
  private DevPki pki;
  private DevPki stranger;
  private Path dir;

  @BeforeAll
  void start(@TempDir Path dir) throws Exception {
    this.dir = dir;
    pki = DevPki.openOrCreate(dir.resolve("pki"), "test");
    for (String node : List.of("n1", "n2", "n3")) {
      pki.issueNode(node, List.of(), Duration.ofDays(1));
    }
    pki.issueClient("app", Duration.ofDays(1));
    stranger = DevPki.openOrCreate(dir.resolve("stranger"), "other");
    stranger.issueClient("app", Duration.ofDays(1));
    stranger.issueNode("n3", List.of(), Duration.ofDays(1));
    cluster = LocalCluster.start(3, dir.resolve("cluster"), HttpTlsIT.tlsSettings(pki.dir()));
    cluster.waitForLeader(Duration.ofSeconds(30));
    pki.issueClient("root", Duration.ofDays(1));
    try (KvClient root = KvClients.connect(cluster.clientConfig().tls(tls(pki, "root")).build())) {
      LocalCluster.grant(root, "app", Permission.readWrite(""));
    }
  }

  @AfterAll
  void stop() {
    if (cluster != null) {
      cluster.close();
    }
  }

  private static KvClientConfig.Tls tls(DevPki ca, String name) {
    return KvClientConfig.Tls.of(ca.dir().resolve(DevPki.CA_CERT), ca.dir().resolve(name + ".pem"),
        ca.dir().resolve(name + ".key"));
  }

  @Test
  void aClientWithACertificateFromTheCaWritesAndReads() throws Exception {
    try (KvClient client = KvClients.connect(cluster.clientConfig().tls(tls(pki, "app")).build())) {
      client.put("tls/k", "v");
      assertEquals("v", client.get("tls/k").valueUtf8());
      assertEquals(3, client.admin().clusterStatus().members().size());
    }
  }

  @Test
  void plaintextAndForeignCertificatesAreRefused() throws Exception {
    long handshakeFailures = NodeInternals.raftPortHandshakeFailures();
    for (KvClientConfig.Tls tls : List.of(KvClientConfig.Tls.PLAINTEXT, tls(stranger, "app"))) {
      try (KvClient client = KvClients.connect(cluster.clientConfig().tls(tls).deadline(SHORT).build())) {
        // The client cannot tell a refused connection from a lost answer: unavailable or indeterminate.
        KvException e = assertThrows(KvException.class, () -> client.put("tls/refused", "x"), "refused: " + tls);
        if (tls != KvClientConfig.Tls.PLAINTEXT) {
          // The node's certificate is not trusted: the handshake failed, so nothing was sent, and the
          // error says so instead of gRPC's "io exception".
          assertTrue(e instanceof KvUnavailableException && e.getMessage().contains("TLS handshake failed: unable to find valid certification path"),
              e.toString());
        }
      } catch (KvUnavailableException connectRefused) {
        // connecting already needs the cluster: refused there
      }
    }
    try (KvClient client = KvClients.connect(cluster.clientConfig().tls(tls(pki, "app")).build())) {
      assertTrue(!client.get("tls/refused").isPresent(), "no refused write was applied");
    }
    assertTrue(NodeInternals.raftPortHandshakeFailures() > handshakeFailures,
        "the refused handshakes reached the log (gRPC reports them at FINE only)");
  }

  /** BoringSSL ignores the JDK's jdk.tls.* settings: the protocols come from the node's configuration. */
  @Test
  void tls12HandshakeIsRefusedWhileItIsOff() throws Exception {
    int port = cluster.config(0).bindPort();
    assertEquals("TLSv1.3", handshake(port, "TLSv1.3"), "the positive control: TLS 1.3 with a client certificate");
    assertThrows(IOException.class, () -> handshake(port, "TLSv1.2"));
  }

  private String handshake(int port, String protocol) throws Exception {
    try (TlsFiles app = TlsFiles.open(pki.dir().resolve(DevPki.CA_CERT), pki.dir().resolve("app.pem"),
        pki.dir().resolve("app.key"), Duration.ofSeconds(5))) {
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(new KeyManager[] {app.keyManager()}, new TrustManager[] {app.trustManager()}, null);
      try (SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket(InetAddress.getLoopbackAddress(),
          port)) {
        socket.setSoTimeout(10_000);
        socket.setEnabledProtocols(new String[] {protocol});
        var params = socket.getSSLParameters();
        params.setApplicationProtocols(new String[] {"h2"});
        params.setEndpointIdentificationAlgorithm("HTTPS");
        socket.setSSLParameters(params);
        socket.startHandshake();
        return socket.getSession().getProtocol();
      }
    }
  }

  /** Ratis parameters for a raw Raft client or channel with {@code name}'s certificate from the cluster's CA. */
  private Parameters rawClientTls(TlsFiles files) {
    Parameters p = new Parameters();
    GrpcConfigKeys.TLS.setConf(p, GrpcTlsConfig.newBuilder().setKeyManager(files.keyManager())
        .setTrustManager(files.trustManager()).setMutualTls(true).build());
    return p;
  }

  private TlsFiles files(String name) {
    return TlsFiles.open(pki.dir().resolve(DevPki.CA_CERT), pki.dir().resolve(name + ".pem"),
        pki.dir().resolve(name + ".key"), Duration.ofSeconds(5));
  }

  /**
   * The direct path: a raw Ratis client with a valid certificate that is neither a member's nor an admin's
   * tries a membership change, a leadership transfer, a group removal and a vote with a higher term; each
   * is refused and the cluster's term and membership stay as they were. It may read the group's info (how
   * clients find the leader). An admin's certificate ("root") may transfer leadership.
   */
  @Test
  void aClientWithoutAdminRightsCannotChangeTheClusterOnTheRaftPort() throws Exception {
    int leader = cluster.waitForLeader(Duration.ofSeconds(30));
    RaftServer.Division division = NodeInternals.division(cluster.node(leader));
    RaftGroup group = division.getGroup();
    long term = division.getInfo().getCurrentTerm();
    var voters = List.copyOf(division.getRaftConf().getCurrentPeers());
    RaftPeerId leaderId = division.getId();
    RaftPeerId other = voters.stream().map(RaftPeer::getId).filter(id -> !id.equals(leaderId)).findFirst().orElseThrow();
    long deniedBefore = deniedOnAllNodes();
    try (TlsFiles app = files("app"); RaftClient raw = RaftClient.newBuilder().setRaftGroup(group)
        .setParameters(rawClientTls(app)).setProperties(new RaftProperties()).setLeaderId(leaderId)
        .setRetryPolicy(RetryPolicies.noRetry()).build()) {
      assertTrue(raw.getGroupManagementApi(leaderId).info(group.getGroupId()).isSuccess(), "group info is allowed");
      assertDenied(() -> raw.admin().setConfiguration(voters.subList(0, 2)));
      assertDenied(() -> raw.admin().transferLeadership(other, 2_000));
      assertDenied(() -> raw.getGroupManagementApi(other).remove(group.getGroupId(), true, false));
      var channel = NettyChannelBuilder.forAddress("127.0.0.1", cluster.config(leader).bindPort())
          .sslContext(GrpcSslContexts.forClient().keyManager(app.keyManager()).trustManager(app.trustManager()).build())
          .build();
      try {
        var vote = RaftProtos.RequestVoteRequestProto.newBuilder()
            .setServerRequest(RaftProtos.RaftRpcRequestProto.newBuilder()
                .setRequestorId(RaftPeerId.valueOf("n3").toByteString()).setReplyId(leaderId.toByteString())
                .setRaftGroupId(RaftProtos.RaftGroupIdProto.newBuilder().setId(group.getGroupId().toByteString()))
                .setCallId(1))
            .setCandidateTerm(term + 10)
            .setCandidateLastEntry(RaftProtos.TermIndexProto.newBuilder().setTerm(term + 10).setIndex(1_000_000))
            .build();
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
            () -> RaftServerProtocolServiceGrpc.newBlockingStub(channel).requestVote(vote));
        assertEquals(Status.Code.PERMISSION_DENIED, e.getStatus().getCode(), e.toString());
      } finally {
        channel.shutdownNow();
      }
    }
    RaftServer.Division after = NodeInternals.division(cluster.node(leader));
    assertEquals(term, after.getInfo().getCurrentTerm(), "the term did not move");
    assertTrue(after.getInfo().isLeader(), "the leader still leads");
    assertEquals(3, after.getRaftConf().getCurrentPeers().size(), "membership unchanged");
    assertEquals(deniedBefore + 4, deniedOnAllNodes(), "the four refusals are counted");

    try (TlsFiles root = files("root"); RaftClient admin = RaftClient.newBuilder().setRaftGroup(group)
        .setParameters(rawClientTls(root)).setProperties(new RaftProperties()).setLeaderId(leaderId)
        .setRetryPolicy(RetryPolicies.noRetry()).build()) {
      assertTrue(admin.admin().transferLeadership(other, 5_000).isSuccess(), "an admin may transfer leadership");
    }
  }

  private long deniedOnAllNodes() {
    long denied = 0;
    for (int i = 0; i < 3; i++) {
      denied += cluster.node(i).raftCallsDenied();
    }
    return denied;
  }

  private static void assertDenied(ThrowingCall call) {
    try {
      RaftClientReply reply = call.run();
      assertTrue(!reply.isSuccess(), "refused: " + reply);
    } catch (IOException | RuntimeException e) {
      assertTrue(String.valueOf(e).contains("PERMISSION_DENIED") || String.valueOf(e.getCause()).contains("PERMISSION_DENIED"),
          "refused with PERMISSION_DENIED: " + e);
    }
  }

  private interface ThrowingCall {
    RaftClientReply run() throws IOException;
  }

  @Test
  void aNodeWithACertificateFromAnotherCaCannotJoin() throws Exception {
    // Per-node CA files: n1 and n2 trust the cluster's CA, n3 holds a certificate (and CA) from another one.
    Path mixed = Files.createDirectories(dir.resolve("mixed"));
    for (String node : List.of("n1", "n2")) {
      copy(pki.dir(), node + ".pem", mixed, node + ".pem");
      copy(pki.dir(), node + ".key", mixed, node + ".key");
      copy(pki.dir(), DevPki.CA_CERT, mixed, node + "-ca.pem");
    }
    copy(stranger.dir(), "n3.pem", mixed, "n3.pem");
    copy(stranger.dir(), "n3.key", mixed, "n3.key");
    copy(stranger.dir(), DevPki.CA_CERT, mixed, "n3-ca.pem");
    Map<String, String> settings = new HashMap<>(HttpTlsIT.tlsSettings(mixed));
    settings.put(ConfigKeys.TLS_CA_FILE, mixed.resolve("{node}-ca.pem").toString());
    try (LocalCluster two = LocalCluster.start(3, dir.resolve("mixed-cluster"), settings);
         KvClient client = KvClients.connect(KvClientConfig.builder().addresses(two.addresses().subList(0, 2)).clusterId(two.clusterId())
             .tls(tls(pki, "app")).build())) {
      int leader = two.waitForLeader(Duration.ofSeconds(30));
      assertTrue(leader != 2, "the outsider n3 never leads");
      try (KvClient root = KvClients.connect(two.clientConfig().addresses(two.addresses().subList(0, 2))
          .tls(tls(pki, "root")).build())) {
        LocalCluster.grant(root, "app", Permission.readWrite("mixed/"));
      }
      long index = 0;
      for (int i = 0; i < 20; i++) {
        index = client.put("mixed/" + i, "v").index();
      }
      long written = index;
      Eventually.assertTrue(Duration.ofSeconds(10), () -> two.node(0).appliedIndex() >= written
          && two.node(1).appliedIndex() >= written, "n1 and n2 apply the writes");
      Thread.sleep(2_000);
      assertTrue(two.node(2).appliedIndex() < written, "n3 received nothing: applied " + two.node(2).appliedIndex());
      assertTrue(!two.node(2).isLeader());
    }
  }

  private static void copy(Path fromDir, String from, Path toDir, String to) throws IOException {
    Files.copy(fromDir.resolve(from), toDir.resolve(to), StandardCopyOption.REPLACE_EXISTING);
  }
}
