package quorumkv.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.conf.Parameters;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.grpc.GrpcConfigKeys;
import org.apache.ratis.grpc.GrpcTlsConfig;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.retry.RetryPolicies;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import quorumkv.client.KvClient;
import quorumkv.client.KvClientConfig;
import quorumkv.client.KvResult;
import quorumkv.client.KvPermissionDeniedException;
import quorumkv.client.ReadOptions;
import quorumkv.client.connect.KvClients;
import quorumkv.client.tls.TlsFiles;
import quorumkv.raftlog.command.Bytes;
import quorumkv.raftlog.command.Caller;
import quorumkv.raftlog.command.Command;
import quorumkv.raftlog.command.Permission;
import quorumkv.raftlog.command.Request;
import quorumkv.raftlog.command.RequestCodec;
import quorumkv.server.cli.Cli;
import quorumkv.server.cli.ExitCodes;
import quorumkv.server.config.ConfigKeys;
import quorumkv.server.ratis.NodeInternals;
import quorumkv.server.testing.Eventually;
import quorumkv.server.testing.LocalCluster;
import quorumkv.server.tls.DevPki;

/**
 * Authorization end to end, on one TLS cluster with auth on (the default): a user with read access to
 * {@code app/} can read {@code app/x}, cannot write it, cannot read {@code other/x}, and cannot change
 * membership, transfer leadership, take a backup or manage users, over gRPC (KvClient), HTTP and the CLI;
 * after a grant it can write; after a revoke it cannot, on every node, including a follower that was down
 * during the revoke and caught up by installing a snapshot. A raw Raft client cannot claim another
 * identity or raise a free-space alarm. Denials are counted.
 */
class AuthorizationIT {
  private static final String READER = "reader";

  @TempDir
  Path dir;

  @Test
  @Timeout(value = 150, unit = TimeUnit.SECONDS)
  void thePermissionMatrixHoldsOnEveryPathAndARevokeReachesEveryNode() throws Exception {
    Map<String, String> small = Map.of(ConfigKeys.SNAPSHOT_ENTRIES, "50", ConfigKeys.PURGE_GAP, "1",
        ConfigKeys.SEGMENT_SIZE, "1MB");
    try (LocalCluster cluster = LocalCluster.startWithHttp(3, dir, small); KvClient root = cluster.connect()) {
      int leader = cluster.waitForLeader(Duration.ofSeconds(30));
      cluster.issueClient(READER);
      root.put("app/x", "1");
      root.put("other/x", "1");
      LocalCluster.grant(root, READER, Permission.read("app/"));
      Path pki = cluster.pki();
      HttpCalls.Client readerHttp = HttpCalls.tls(pki.resolve(DevPki.CA_CERT), pki.resolve(READER + ".pem"),
          pki.resolve(READER + ".key"));
      String http = cluster.httpAddress(leader);

      try (KvClient reader = KvClients.connect(cluster.clientConfig().tls(cluster.clientTls(READER))
          .deadline(Duration.ofSeconds(10)).build())) {
        // gRPC: the Java client.
        assertEquals("1", reader.get("app/x").valueUtf8());
        assertThrows(KvPermissionDeniedException.class, () -> reader.put("app/x", "2"));
        assertThrows(KvPermissionDeniedException.class, () -> reader.get("other/x"));
        assertThrows(KvPermissionDeniedException.class,
            () -> reader.range(Bytes.utf8("app/"), Bytes.EMPTY, 0, ReadOptions.linearizable()),
            "a range past app/ is judged by its bounds");
        assertThrows(KvPermissionDeniedException.class, () -> reader.admin().remove(cluster.nodeId((leader + 1) % 3)));
        assertThrows(KvPermissionDeniedException.class,
            () -> reader.admin().transferLeadership(cluster.nodeId((leader + 1) % 3)));
        assertThrows(KvPermissionDeniedException.class, () -> reader.auth().addUser("mallory"));
        assertThrows(KvPermissionDeniedException.class, () -> reader.auth().state());

        // Coalesced gets (issue 16: one read call in flight, the rest share the next request): each get is
        // judged on its own key, so the denied ones fail alone and the allowed ones still answer.
        try (KvClient coalescing = KvClients.connect(cluster.clientConfig().tls(cluster.clientTls(READER))
            .deadline(Duration.ofSeconds(10)).readBatching(new KvClientConfig.ReadBatching(64, 1)).build())) {
          List<CompletableFuture<KvResult.Get>> allowed = new ArrayList<>();
          List<CompletableFuture<KvResult.Get>> denied = new ArrayList<>();
          for (int i = 0; i < 20; i++) {
            allowed.add(coalescing.async().get("app/x"));
            denied.add(coalescing.async().get("other/x"));
          }
          for (CompletableFuture<KvResult.Get> f : allowed) {
            assertEquals("1", f.get(30, TimeUnit.SECONDS).valueUtf8());
          }
          for (CompletableFuture<KvResult.Get> f : denied) {
            ExecutionException e = assertThrows(ExecutionException.class, () -> f.get(30, TimeUnit.SECONDS));
            assertTrue(e.getCause() instanceof KvPermissionDeniedException, e.getCause().toString());
          }
        }

        // HTTP.
        assertEquals(200, readerHttp.get(http, "/v1/kv/app/x").status());
        assertDenied(readerHttp.send(http, "PUT", "/v1/kv/app/x", "text/plain", "2"));
        assertDenied(readerHttp.get(http, "/v1/kv/other/x"));
        assertDenied(readerHttp.get(http, "/v1/backup"));
        assertDenied(readerHttp.send(http, "POST", "/v1/cluster/leader", "application/json", "{\"to\":\"n1\"}"));
        assertDenied(readerHttp.send(http, "DELETE", "/v1/cluster/members/n3", null, null));
        assertDenied(readerHttp.get(http, "/v1/auth"));
        assertDenied(readerHttp.send(http, "POST", "/v1/auth", "application/json", "{\"op\":\"disable\"}"));

        // The CLI.
        assertEquals(ExitCodes.OK, cli(cluster, leader, READER, "get", "app/x").exitCode());
        assertEquals(ExitCodes.PERMISSION_DENIED, cli(cluster, leader, READER, "put", "app/x", "2").exitCode());
        assertEquals(ExitCodes.PERMISSION_DENIED, cli(cluster, leader, READER, "get", "other/x").exitCode());
        assertEquals(ExitCodes.PERMISSION_DENIED, cli(cluster, leader, READER, "member", "remove", "n3").exitCode());
        assertEquals(ExitCodes.PERMISSION_DENIED,
            cli(cluster, leader, READER, "snapshot", "save", dir.resolve("stolen.backup").toString()).exitCode());
        assertFalse(dir.resolve("stolen.backup").toFile().exists(), "no backup was written");
        assertEquals(ExitCodes.PERMISSION_DENIED, cli(cluster, leader, READER, "user", "add", "mallory").exitCode());
        assertEquals("1", root.get("app/x").valueUtf8(), "nothing the reader tried changed anything");
        assertEquals(3, root.admin().clusterStatus().members().size());

        // A grant (through the CLI, as the admin) lets it write, on every path.
        assertEquals(ExitCodes.OK, cli(cluster, leader, "root", "role", "grant", READER + "-role", "readwrite", "app/")
            .exitCode());
        reader.put("app/x", "grpc");
        assertEquals(200, readerHttp.send(http, "PUT", "/v1/kv/app/x", "text/plain", "http").status());
        assertEquals(ExitCodes.OK, cli(cluster, leader, READER, "put", "app/x", "cli").exitCode());
        assertEquals("cli", root.get("app/x").valueUtf8());
        Cli.Run roles = cli(cluster, leader, "root", "role", "list");
        assertTrue(roles.out().contains("readwrite 'app/'"), roles.toString());

        // The revoke, while one follower is down; the follower catches up by installing a snapshot.
        int follower = (leader + 1) % 3;
        assertEquals("cli", reader.get(Bytes.utf8("app/x"), ReadOptions.linearizable()
            .atReplica(cluster.nodeId(follower))).valueUtf8(), "the follower serves the reader before the revoke");
        cluster.stop(follower);
        assertEquals(ExitCodes.OK, cli(cluster, leader, "root", "role", "revoke", READER + "-role", "readwrite", "app/")
            .exitCode());
        assertEquals(ExitCodes.OK, cli(cluster, leader, "root", "role", "revoke", READER + "-role", "read", "app/")
            .exitCode());
        // Enough log (3 MB in 1 MB segments) that the leader can purge closed segments behind its snapshot.
        List<java.util.concurrent.CompletableFuture<?>> inFlight = new ArrayList<>();
        String value = "v".repeat(2_048);
        for (int i = 0; i < 1_500; i++) {
          inFlight.add(root.async().put(Bytes.utf8("fill/" + i), Bytes.utf8(value)));
          if (inFlight.size() == 32 || i == 1_499) {
            java.util.concurrent.CompletableFuture.allOf(inFlight.toArray(java.util.concurrent.CompletableFuture[]::new))
                .get(30, TimeUnit.SECONDS);
            inFlight.clear();
          }
        }
        long snapshotIndex = cluster.takeSnapshot(leader);
        Path leaderLog = cluster.config(leader).raftDir();
        Eventually.assertTrue(Duration.ofSeconds(20),
            () -> ThreeNodeClusterIT.firstLogIndex(leaderLog) > snapshotIndex / 2,
            "the leader purged its log behind the snapshot at " + snapshotIndex);
        cluster.restart(follower);
        Eventually.assertTrue(Duration.ofSeconds(30), () -> cluster.node(follower).appliedIndex() >= snapshotIndex,
            "the restarted follower caught up");
        HttpCalls.Reply followerMetrics = cluster.http().get(cluster.opsAddress(follower), "/metrics");
        assertTrue(PrometheusText.parse(followerMetrics.body()).value("quorumkv_snapshot_installs_total") >= 1,
            "the follower caught up by installing a snapshot");
        for (int i = 0; i < 3; i++) {
          String node = cluster.nodeId(i);
          assertThrows(KvPermissionDeniedException.class,
              () -> reader.get(Bytes.utf8("app/x"), ReadOptions.linearizable().atReplica(node)), "read on " + node);
          assertDenied(readerHttp.get(cluster.httpAddress(i), "/v1/kv/app/x"));
          assertDenied(readerHttp.send(cluster.httpAddress(i), "PUT", "/v1/kv/app/x", "text/plain", "late"));
        }
        assertThrows(KvPermissionDeniedException.class, () -> reader.put("app/x", "late"));
        assertEquals("cli", root.get("app/x").valueUtf8());

        // Authorization off lets every caller with a certificate from the CA act; on again stops it.
        assertEquals(ExitCodes.OK, cli(cluster, leader, "root", "auth", "disable").exitCode());
        assertTrue(cli(cluster, leader, "root", "auth", "status").out().contains("DISABLED"));
        reader.put("other/x", "open");
        assertEquals(ExitCodes.OK, cli(cluster, leader, "root", "auth", "enable").exitCode());
        assertThrows(KvPermissionDeniedException.class, () -> reader.put("other/x", "closed"));
        assertEquals("open", root.get("other/x").valueUtf8());
      }

      // Denials are counted where they were decided.
      double denied = 0;
      for (int i = 0; i < 3; i++) {
        HttpCalls.Reply metrics = cluster.http().get(cluster.opsAddress(i), "/metrics");
        denied += PrometheusText.parse(metrics.body()).value("quorumkv_permission_denied_total");
      }
      assertTrue(denied >= 10, "denials counted: " + denied);
    }
  }

  /**
   * The direct path: a raw Ratis client with a valid, non-admin certificate cannot claim the admin's
   * identity (an envelope of its own is wrapped in one naming it and refused as malformed) nor raise a
   * free-space alarm that would stop the cluster's writes.
   */
  @Test
  @Timeout(value = 90, unit = TimeUnit.SECONDS)
  void aRawClientCannotClaimAnotherIdentityOrRaiseAnAlarmOrRecordABackup() throws Exception {
    try (LocalCluster cluster = LocalCluster.start(3, dir); KvClient root = cluster.connect()) {
      int leader = cluster.waitForLeader(Duration.ofSeconds(30));
      cluster.issueClient(READER);
      Path pki = cluster.pki();
      Request.Write forged = Request.Write.unsessioned(List.of(new Command.Put(Bytes.utf8("other/x"), Bytes.utf8("forged"))));
      List<byte[]> attempts = new ArrayList<>();
      attempts.add(RequestCodec.asCaller(new Caller("root", true), RequestCodec.encode(forged)));
      attempts.add(RequestCodec.encode(new Request.Alarm(cluster.nodeId(leader), true)));
      // A forged backup record would mark an interval's backup done that nobody took.
      attempts.add(RequestCodec.encode(new Request.BackupRecord(Request.BackupRecord.Outcome.VERIFIED, Long.MAX_VALUE / 2,
          1, 1, 1)));
      attempts.add(RequestCodec.encode(forged));
      try (TlsFiles files = TlsFiles.open(pki.resolve(DevPki.CA_CERT), pki.resolve(READER + ".pem"),
          pki.resolve(READER + ".key"), Duration.ofHours(1));
           RaftClient raw = RaftClient.newBuilder().setRaftGroup(NodeInternals.division(cluster.node(leader)).getGroup())
               .setParameters(tls(files)).setProperties(new RaftProperties())
               .setLeaderId(NodeInternals.division(cluster.node(leader)).getId())
               .setRetryPolicy(RetryPolicies.retryUpToMaximumCountWithFixedSleep(5,
                   org.apache.ratis.util.TimeDuration.valueOf(200, TimeUnit.MILLISECONDS))).build()) {
        for (byte[] attempt : attempts) {
          boolean ownWrite = RequestCodec.kindOf(attempt) == RequestCodec.Kind.WRITE;
          try {
            RaftClientReply reply = raw.io().send(Message.valueOf(ByteString.copyFrom(attempt)));
            // The reader's own write is wrapped in an envelope naming it, applied, and refused inside its result.
            assertTrue(ownWrite || !reply.isSuccess() && String.valueOf(reply.getException())
                .contains("an envelope carries a write, a read or an auth request"), "refused before the log: " + reply);
          } catch (java.io.IOException | RuntimeException e) {
            StringBuilder causes = new StringBuilder();
            for (Throwable t = e; t != null; t = t.getCause()) {
              causes.append(t).append(" / ");
            }
            assertFalse(ownWrite, "the reader's own write is answered: " + causes);
            assertTrue(causes.toString().contains("an envelope carries a write, a read or an auth request"),
                "refused as malformed because the node wrapped it in an envelope naming the reader: " + causes);
          }
        }
      }
      assertFalse(root.get("other/x").isPresent(), "no forged write applied");
      for (int i = 0; i < 3; i++) {
        assertTrue(NodeInternals.stateMachine(cluster.node(i)).noSpaceAlarms().isEmpty(), "no alarm raised on n" + (i + 1));
        assertEquals(quorumkv.raftlog.store.BackupLedger.NONE, NodeInternals.stateMachine(cluster.node(i)).backups(),
            "no backup recorded on n" + (i + 1));
      }
      root.put("still/writable", "yes");
    }
  }

  private static Parameters tls(TlsFiles files) {
    Parameters p = new Parameters();
    GrpcConfigKeys.TLS.setConf(p, GrpcTlsConfig.newBuilder().setKeyManager(files.keyManager())
        .setTrustManager(files.trustManager()).setMutualTls(true).build());
    return p;
  }

  private static void assertDenied(HttpCalls.Reply reply) {
    assertEquals(403, reply.status(), reply.body());
    assertTrue(reply.body().contains("permission_denied"), reply.body());
  }

  private static Cli.Run cli(LocalCluster cluster, int node, String identity, String... args) {
    Path pki = cluster.pki();
    List<String> all = new ArrayList<>(List.of("--endpoints", cluster.httpAddress(node),
        "--cacert", pki.resolve(DevPki.CA_CERT).toString(), "--cert", pki.resolve(identity + ".pem").toString(),
        "--key", pki.resolve(identity + ".key").toString()));
    all.addAll(List.of(args));
    return Cli.run(all.toArray(new String[0]));
  }
}
