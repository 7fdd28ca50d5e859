package quorumkv.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.ratis.thirdparty.io.grpc.CallOptions;
import org.apache.ratis.thirdparty.io.grpc.ManagedChannel;
import org.apache.ratis.thirdparty.io.grpc.MethodDescriptor;
import org.apache.ratis.thirdparty.io.grpc.netty.GrpcSslContexts;
import org.apache.ratis.thirdparty.io.grpc.netty.NettyChannelBuilder;
import org.apache.ratis.thirdparty.io.grpc.stub.ClientCalls;
import org.apache.ratis.thirdparty.io.netty.handler.ssl.SslContextBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import quorumkv.client.KvClient;
import quorumkv.client.KvResult;
import quorumkv.client.connect.KvClients;
import quorumkv.client.tls.TlsFiles;
import quorumkv.raftlog.command.Bytes;
import quorumkv.raftlog.command.Command;
import quorumkv.raftlog.command.ErrorCode;
import quorumkv.raftlog.command.GroupWrite;
import quorumkv.raftlog.command.Permission;
import quorumkv.raftlog.command.Request;
import quorumkv.raftlog.command.RequestCodec;
import quorumkv.raftlog.command.Response;
import quorumkv.raftlog.command.Result;
import quorumkv.server.ratis.NodeInternals;
import quorumkv.server.tls.DevPki;
import quorumkv.server.testing.LocalCluster;

/**
 * Server-side group commit end to end (issue 16): independent clients' writes share log entries through the
 * leader's write service, a write whose node died after committing it applies once when the caller retries
 * it through another node, and each write is authorized as its own caller over mutual TLS.
 */
class GroupCommitIT {
  private static final MethodDescriptor.Marshaller<byte[]> BYTES = new MethodDescriptor.Marshaller<>() {
    @Override
    public java.io.InputStream stream(byte[] value) {
      return new java.io.ByteArrayInputStream(value);
    }

    @Override
    public byte[] parse(java.io.InputStream stream) {
      try {
        return stream.readAllBytes();
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }
  };
  private static final MethodDescriptor<byte[], byte[]> SUBMIT = MethodDescriptor.<byte[], byte[]>newBuilder()
      .setType(MethodDescriptor.MethodType.UNARY).setFullMethodName(GroupWrite.METHOD).setRequestMarshaller(BYTES)
      .setResponseMarshaller(BYTES).build();

  @TempDir
  Path dir;

  /** One raw call to node {@code index}'s write service, as the client {@code user} (its certificate). */
  private static GroupWrite.Reply call(LocalCluster cluster, int index, String user, byte[] request) throws Exception {
    return call(cluster, index, user, group(cluster), request);
  }

  private static GroupWrite.Reply callFor(LocalCluster cluster, int index, UUID group, byte[] request) throws Exception {
    return call(cluster, index, LocalCluster.ADMIN_CLIENT, group, request);
  }

  private static GroupWrite.Reply call(LocalCluster cluster, int index, String user, UUID group, byte[] request)
      throws Exception {
    Path pki = cluster.pki();
    try (TlsFiles tls = TlsFiles.open(pki.resolve(DevPki.CA_CERT), pki.resolve(user + ".pem"),
        pki.resolve(user + ".key"), Duration.ofHours(1))) {
      ManagedChannel channel = NettyChannelBuilder.forTarget(cluster.addresses().get(index))
          .sslContext(GrpcSslContexts.configure(SslContextBuilder.forClient().keyManager(tls.keyManager())
              .trustManager(tls.trustManager())).build()).build();
      try {
        byte[] reply = ClientCalls.blockingUnaryCall(channel, SUBMIT, CallOptions.DEFAULT.withDeadlineAfter(20,
            TimeUnit.SECONDS), GroupWrite.encodeCall(new GroupWrite.Call(group, request)));
        return GroupWrite.decode(reply);
      } finally {
        channel.shutdownNow();
      }
    }
  }

  /**
   * As {@link #call}, again while node {@code index} answers that it leads but is not ready yet (it has just
   * won its election: not appended), for at most 20 s.
   */
  private static GroupWrite.Reply callLeader(LocalCluster cluster, int index, String user, byte[] request)
      throws Exception {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (true) {
      GroupWrite.Reply r = call(cluster, index, user, request);
      if (!(r instanceof GroupWrite.NotLeader n) || System.nanoTime() > end) {
        return r;
      }
      Thread.sleep(50);
    }
  }

  private static UUID group(LocalCluster cluster) {
    return quorumkv.raftlog.command.ClusterIds.groupId(cluster.clusterId());
  }

  private static byte[] put(UUID session, long call, String key, String value) {
    return RequestCodec.encode(new Request.Write(session, call, 1, List.of(new Command.Put(Bytes.utf8(key),
        Bytes.utf8(value)))));
  }

  private static long version(KvClient client, String key) {
    KvResult.Get r = client.get(Bytes.utf8(key));
    return r.keyValue() == null ? 0 : r.keyValue().version();
  }

  @Test
  void aWriteCommittedByANodeThatThenDiedAppliesOnceWhenRetriedThroughAnotherNode() throws Exception {
    try (LocalCluster cluster = LocalCluster.start(3, dir); KvClient reader = cluster.connect()) {
      int leader = cluster.waitForLeader(Duration.ofSeconds(30));
      UUID session = UUID.randomUUID();
      byte[] write = put(session, 1, "once", "v");
      // The leader appends, commits and applies it; its answer is the one the caller never got.
      GroupWrite.Reply lost = callLeader(cluster, leader, LocalCluster.ADMIN_CLIENT, write);
      Response.Ok first = (Response.Ok) assertInstanceOf(GroupWrite.Applied.class, lost).response();
      assertEquals(1, version(reader, "once"));
      cluster.stop(leader);
      int next = cluster.waitForLeader(Duration.ofSeconds(30));
      assertNotEquals(leader, next);
      // The caller retries the same call (same session and call id) through the new leader.
      GroupWrite.Reply retried = callLeader(cluster, next, LocalCluster.ADMIN_CLIENT, write);
      assertEquals(first, ((GroupWrite.Applied) retried).response(), "the recorded result, index included");
      assertEquals(1, version(reader, "once"), "applied once");
      // The check can fail: a new call of the same session with the same content applies again.
      GroupWrite.Reply again = call(cluster, next, LocalCluster.ADMIN_CLIENT, put(session, 2, "once", "v"));
      assertInstanceOf(GroupWrite.Applied.class, again);
      assertEquals(2, version(reader, "once"));
      // A follower answers with the leader, unread.
      int follower = next == 0 ? (leader == 1 ? 2 : 1) : 0;
      if (follower != leader) {
        GroupWrite.Reply elsewhere = call(cluster, follower, LocalCluster.ADMIN_CLIENT, put(session, 3, "no", "v"));
        assertEquals(cluster.nodeId(next), ((GroupWrite.NotLeader) elsewhere).leaderId());
        assertEquals(0, version(reader, "no"));
      }
    }
  }

  @Test
  void independentClientsShareEntriesAndEachGetsItsOwnResult() throws Exception {
    try (LocalCluster cluster = LocalCluster.start(3, dir)) {
      int leader = cluster.waitForLeader(Duration.ofSeconds(30));
      List<KvClient> clients = new ArrayList<>();
      try {
        for (int i = 0; i < 16; i++) {
          clients.add(KvClients.connect(cluster.clientConfig().deadline(Duration.ofSeconds(20)).build()));
        }
        long[] before = NodeInternals.groupCommits(cluster.node(leader));
        List<CompletableFuture<Void>> writers = new ArrayList<>();
        for (int c = 0; c < clients.size(); c++) {
          KvClient client = clients.get(c);
          int id = c;
          writers.add(CompletableFuture.runAsync(() -> {
            for (int i = 0; i < 30; i++) {
              KvResult.Put r = client.put(Bytes.utf8("shared/" + id + "/" + i), Bytes.utf8("v" + i));
              assertTrue(r.revision() > 0);
            }
          }));
        }
        CompletableFuture.allOf(writers.toArray(CompletableFuture[]::new)).get(120, TimeUnit.SECONDS);
        long[] after = NodeInternals.groupCommits(cluster.node(leader));
        assertTrue(after[0] > before[0] && after[1] - before[1] >= 2 * (after[0] - before[0]),
            "16 clients, one write each in flight: some entries carried several (groups, calls: "
                + (after[0] - before[0]) + ", " + (after[1] - before[1]) + ")");
        // The leader drops an answered entry's reply from its retry cache with the next entry: all of them
        // stayed for the cache's expiry before (each holds every member's result, 231 MB of heap in a run).
        long cached = NodeInternals.groupRepliesCached(cluster.node(leader));
        assertTrue(cached <= 4, "group replies still in the leader's retry cache: " + cached + " of "
            + (after[0] - before[0]) + " group entries");
        KvClient check = clients.get(0);
        for (int c = 0; c < clients.size(); c++) {
          for (int i = 0; i < 30; i++) {
            KvResult.Get g = check.get(Bytes.utf8("shared/" + c + "/" + i));
            assertEquals("v" + i, g.keyValue().value().toStringUtf8());
            assertEquals(1, g.keyValue().version());
          }
        }
      } finally {
        clients.forEach(KvClient::close);
      }
    }
  }

  @Test
  void eachWriteIsAuthorizedAsItsOwnCallerAndOnlyNodesSendGroups() throws Exception {
    try (LocalCluster cluster = LocalCluster.start(3, dir)) {
      int leader = cluster.waitForLeader(Duration.ofSeconds(30));
      cluster.issueClient("alice");
      cluster.grant("alice", Permission.readWrite("app/"));
      GroupWrite.Reply inside = callLeader(cluster, leader, "alice", put(UUID.randomUUID(), 1, "app/a", "1"));
      Response.Ok ok = (Response.Ok) ((GroupWrite.Applied) inside).response();
      assertInstanceOf(Result.PutResult.class, ok.results().get(0));
      GroupWrite.Reply outside = call(cluster, leader, "alice", put(UUID.randomUUID(), 1, "other/a", "1"));
      Result.Error denied = assertInstanceOf(Result.Error.class,
          ((Response.Ok) ((GroupWrite.Applied) outside).response()).results().get(0));
      assertEquals(ErrorCode.PERMISSION_DENIED, denied.code());
      // A client may neither claim another caller nor send a group: only nodes vouch for callers.
      byte[] asRoot = RequestCodec.asCaller(new quorumkv.raftlog.command.Caller("root", true),
          put(UUID.randomUUID(), 1, "other/b", "1"));
      assertEquals(ErrorCode.MALFORMED_REQUEST, ((GroupWrite.Refused) call(cluster, leader, "alice", asRoot)).code());
      byte[] group = RequestCodec.group(List.of(put(UUID.randomUUID(), 1, "other/c", "1")));
      assertEquals(ErrorCode.MALFORMED_REQUEST, ((GroupWrite.Refused) call(cluster, leader, "alice", group)).code());
      // A call meant for another cluster's group is refused unread, as Ratis refuses a request for another group.
      assertInstanceOf(GroupWrite.WrongGroup.class, callFor(cluster, leader, UUID.randomUUID(),
          put(UUID.randomUUID(), 1, "app/wrong", "1")));
      try (KvClient root = cluster.connect()) {
        assertEquals(0, version(root, "app/wrong"));
        assertEquals(0, version(root, "other/a"));
        assertEquals(0, version(root, "other/b"));
        assertEquals(0, version(root, "other/c"));
      }
    }
  }
}
