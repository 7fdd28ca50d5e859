package quorumkv.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.client.RaftClientConfigKeys;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftClientRequest;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.protocol.exceptions.AlreadyClosedException;
import org.apache.ratis.protocol.exceptions.GroupMismatchException;
import org.apache.ratis.protocol.exceptions.LeaderNotReadyException;
import org.apache.ratis.protocol.exceptions.NotLeaderException;
import org.apache.ratis.protocol.exceptions.RaftRetryFailureException;
import org.apache.ratis.protocol.exceptions.ResourceUnavailableException;
import org.apache.ratis.protocol.exceptions.StaleReadException;
import org.apache.ratis.protocol.exceptions.TimeoutIOException;
import org.apache.ratis.retry.RetryPolicies;
import org.apache.ratis.retry.RetryPolicy;
import org.apache.ratis.rpc.CallId;
import org.apache.ratis.util.TimeDuration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import quorumkv.client.connect.KvClients;
import quorumkv.client.internal.FailuresProbe;
import quorumkv.client.internal.FailuresProbe.Verdict;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;
import quorumkv.raftlog.command.Bytes;
import quorumkv.raftlog.command.ClusterIds;
import quorumkv.raftlog.command.Command;
import quorumkv.raftlog.command.ErrorCode;
import quorumkv.raftlog.command.Request;
import quorumkv.raftlog.command.RequestCodec;
import quorumkv.server.config.ConfigKeys;
import quorumkv.server.testing.Eventually;
import quorumkv.server.testing.LocalCluster;

/**
 * One test per Ratis exception the client can meet, each produced by a real in-process node (a
 * LocalCluster, or a {@link RawRatisNode} where a server setting or a stuck apply is needed) over the
 * same gRPC request path the client uses, then classified by the client's one classifier (through
 * {@link FailuresProbe}) and, where cheap, seen end to end as the KvClient's outcome. If a Ratis upgrade
 * changes an exception's type or how it arrives (in the reply, or by ending the stream), a test here fails.
 */
class RatisFailuresIT {
  @TempDir
  static Path dir;
  static LocalCluster cluster;

  @BeforeAll
  static void start() throws Exception {
    cluster = ClientItKit.startCluster(3, dir);
  }

  @AfterAll
  static void stop() {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void notLeaderFollowsTheHintAndMayHaveApplied() throws Exception {
    int leader = cluster.waitForLeader(Duration.ofSeconds(10));
    int follower = (leader + 1) % cluster.size();
    try (RaftClient raw = rawClient(groupOf(cluster), RetryPolicies.noRetry(), cluster.raftClientParameters())) {
      Failure f = send(raw, write(raw, groupOf(cluster).getGroupId(), cluster.nodeId(follower)));
      assertInstanceOf(NotLeaderException.class, f.exception());
      assertNotNull(((NotLeaderException) f.exception()).getSuggestedLeader(), "names the leader");
      assertEquals(new Verdict("RETRY_OTHER", true, null), f.verdict(), "a deposed leader answers appended requests so");
    }
    try (KvClient onlyFollower = KvClients.connect(KvClientConfig.builder()
        .addresses(cluster.addresses().get(follower)).clusterId(cluster.clusterId())
        .tls(cluster.clientTls(LocalCluster.ADMIN_CLIENT)).build())) {
      assertTrue(onlyFollower.put("failures/not-leader", "v").index() > 0, "followed the hint to the leader");
    }
  }

  @Test
  void staleReadIsDefiniteAndRetriedUntilTheDeadline() throws Exception {
    try (RaftClient raw = rawClient(groupOf(cluster), RetryPolicies.noRetry(), cluster.raftClientParameters())) {
      RaftClientRequest read = request(raw, groupOf(cluster).getGroupId(), cluster.nodeId(0))
          .setType(RaftClientRequest.staleReadRequestType(Long.MAX_VALUE / 2)).build();
      Failure f = send(raw, read);
      assertTrue(causedBy(f.exception(), StaleReadException.class), "got " + f.exception());
      assertEquals(new Verdict("RETRY_OTHER", false, null), f.verdict());
    }
    try (KvClient c = KvClients.connect(ClientItKit.configFor(cluster).deadline(Duration.ofSeconds(1)).build())) {
      assertThrows(KvUnavailableException.class, () -> c.get("failures/stale",
          ReadOptions.follower().atReplica(cluster.nodeId(0)).atLeastIndex(Long.MAX_VALUE / 2)));
    }
  }

  @Test
  void groupMismatchIsDefinite() throws Exception {
    RaftGroup other = RaftGroup.valueOf(RaftGroupId.randomId(), groupOf(cluster).getPeers());
    try (RaftClient raw = rawClient(other, RetryPolicies.noRetry(), cluster.raftClientParameters())) {
      Failure f = send(raw, write(raw, other.getGroupId(), cluster.nodeId(0)));
      assertTrue(causedBy(f.exception(), GroupMismatchException.class), "got " + f.exception());
      assertEquals("RETRY_OTHER", f.verdict().action());
      assertFalse(f.verdict().mayHaveApplied());
    }
    // A generous deadline: the call must end on the evidence (every node serves another group), not at the
    // deadline, where an attempt still in flight would make the outcome unknown (CI at d6e6805).
    try (KvClient wrongCluster = KvClients.connect(ClientItKit.configFor(cluster).clusterId("not-this-one")
        .deadline(Duration.ofSeconds(30)).build())) {
      KvUnavailableException e = assertThrows(KvUnavailableException.class, () -> wrongCluster.put("failures/group", "v"),
          "never appended anywhere: unavailable, not indeterminate");
      assertTrue(e.getMessage().contains("every configured node serves another Raft group"), e.getMessage());
    }
  }

  @Test
  void refusalBeforeTheLogIsARejection() throws Exception {
    try (LocalCluster strict = ClientItKit.startCluster(1, 0, dir.resolve("strict"),
        Map.of(ConfigKeys.MAX_VALUE_BYTES, "64"));
        KvClient c = KvClients.connect(ClientItKit.configFor(strict).build())) {
      // The client's own limits are the defaults (larger), so the node is the one that refuses: Ratis
      // carries the command package's exception class back as the cause of a StateMachineException.
      KvRejectedException e = assertThrows(KvRejectedException.class, () -> c.put("failures/big", "x".repeat(1000)));
      assertEquals(ErrorCode.VALUE_TOO_LARGE, e.code());
    }
  }

  @Test
  void closedStreamMessageIsTheOneMatchedByText() throws Exception {
    try (LocalCluster one = ClientItKit.startCluster(1, 0, dir.resolve("closed"), Map.of());
        RaftClient raw = rawClient(groupOf(one), RetryPolicies.noRetry(), one.raftClientParameters())) {
      RaftGroupId group = groupOf(one).getGroupId();
      assertNotNull(raw.getClientRpc().sendRequestAsyncUnordered(staleRead(raw, group, one.nodeId(0))).get(10,
          TimeUnit.SECONDS), "the stream is open");
      one.stop(0);
      AtomicReference<Failure> refused = new AtomicReference<>();
      List<String> seen = new ArrayList<>();
      Eventually.assertTrue(Duration.ofSeconds(20), () -> {
        Failure f = send(raw, staleRead(raw, group, one.nodeId(0)));
        seen.add(String.valueOf(f.exception()));
        if (f.exception() instanceof AlreadyClosedException && f.exception().getMessage().endsWith("is closed.")) {
          refused.set(f);
          return true;
        }
        return false;
      }, "Ratis refuses to send on the dead stream");
      // Pins the real Ratis text that Failures.refusedOnClosedStream relies on: "<stream> is closed.".
      assertEquals(new Verdict("RETRY_OTHER", false, null), refused.get().verdict(), "failures seen: " + seen);
      assertEquals(new Verdict("RETRY_OTHER", true, null), FailuresProbe.classify(
          new AlreadyClosedException("c->n1: Stream onError: no reply for async request cid=1"), true));
    }
  }

  @Test
  void requestTimeoutMayHaveApplied() throws Exception {
    try (RawRatisNode node = new RawRatisNode(dir.resolve("timeout"), 4096);
        RaftClient raw = rawClient(node.group(), RetryPolicies.noRetry(), Duration.ofMillis(500))) {
      node.closeGate();   // the write is appended and committed, but never answered
      Failure f = send(raw, write(raw, node.group().getGroupId(), "r1"));
      assertInstanceOf(TimeoutIOException.class, f.exception());
      assertEquals(new Verdict("RETRY_OTHER", true, null), f.verdict());
    }
  }

  @Test
  void resourceUnavailableEndsTheStreamSoItMayHaveApplied() throws Exception {
    try (RawRatisNode node = new RawRatisNode(dir.resolve("elements"), 1);
        RaftClient raw = rawClient(node.group(), RetryPolicies.noRetry())) {
      RaftGroupId group = node.group().getGroupId();
      node.closeGate();
      CompletableFuture<RaftClientReply> first = raw.getClientRpc().sendRequestAsyncUnordered(write(raw, group, "r1"));
      Thread.sleep(500);   // let the first write take the only pending-request permit (its apply is held)
      Failure second = send(raw, write(raw, group, "r1"));
      assertInstanceOf(ResourceUnavailableException.class, second.exception());
      // Ratis 3.3 delivers it by ending the stream, not in a reply ...
      assertTrue(second.streamFailure(), "arrived as a stream failure");
      assertEquals(new Verdict("RETRY_SAME", true, null), second.verdict());
      // ... so the first write, already in the log, fails with the second's refusal: why it counts as
      // possibly applied.
      ExecutionException e = assertThrows(ExecutionException.class, () -> first.get(10, TimeUnit.SECONDS));
      assertInstanceOf(ResourceUnavailableException.class, unwrap(e.getCause()));
      node.openGate();
    }
  }

  @Test
  void leaderNotReadyWaitsOnTheSameNodeAndMayHaveApplied() throws Exception {
    try (RawRatisNode node = new RawRatisNode(dir.resolve("not-ready"), 4096)) {
      try (RaftClient raw = rawClient(node.group(), RetryPolicies.noRetry())) {
        assertEquals(null, send(raw, write(raw, node.group().getGroupId(), "r1")).exception(), "a first write applies");
      }
      node.closeGate();   // after the restart the replay of that write blocks: the new term's entry never applies
      node.restart();
      try (RaftClient raw = rawClient(node.group(), RetryPolicies.noRetry())) {
        Failure notReady = send(raw, write(raw, node.group().getGroupId(), "r1"));
        assertInstanceOf(LeaderNotReadyException.class, notReady.exception());
        // The node leads as soon as an entry of its term commits: retried there after the shortest pause.
        assertEquals(new Verdict("RETRY_SAME_SOON", true, null), notReady.verdict(),
            "gRPC fails every request pending on the stream with it");
      }
    }
  }

  @Test
  void retryFailureInsideRatisMayHaveApplied() throws Exception {
    RaftPeer nobody = RaftPeer.newBuilder().setId("n1")
        .setAddress("127.0.0.1:" + LocalCluster.freeLoopbackPorts(1).get(0)).build();
    RaftGroup group = RaftGroup.valueOf(RaftGroupId.valueOf(ClusterIds.groupId("nobody")), List.of(nobody));
    RetryPolicy twice = RetryPolicies.retryUpToMaximumCountWithFixedSleep(2, TimeDuration.valueOf(50,
        TimeUnit.MILLISECONDS));
    try (RaftClient raw = rawClient(group, twice)) {
      IOException e = assertThrows(IOException.class, () -> raw.io().send(Message.valueOf("x")));
      assertInstanceOf(RaftRetryFailureException.class, e);
      Verdict v = FailuresProbe.classify(e, false);
      assertTrue(v.mayHaveApplied(), "earlier tries inside Ratis may have been sent: " + v);
    }
  }

  // ------------------------------------------------------------------------------------------ helpers

  /** What one RPC failed with, and whether it ended the RPC's future (stream) or came in the reply. */
  record Failure(Throwable exception, boolean streamFailure) {
    Verdict verdict() {
      return FailuresProbe.classify(exception, streamFailure);
    }
  }

  /** One RPC on the unordered gRPC stream, as the client's transport sends it. */
  private static Failure send(RaftClient raw, RaftClientRequest request) {
    try {
      RaftClientReply reply = raw.getClientRpc().sendRequestAsyncUnordered(request).get(30, TimeUnit.SECONDS);
      return new Failure(reply.getException(), false);
    } catch (ExecutionException e) {
      return new Failure(unwrap(e.getCause()), true);
    } catch (Exception e) {
      throw new AssertionError("no answer to " + request, e);
    }
  }

  private static Throwable unwrap(Throwable t) {
    return t instanceof CompletionException && t.getCause() != null ? t.getCause() : t;
  }

  private static boolean causedBy(Throwable t, Class<? extends Throwable> type) {
    for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
      if (type.isInstance(c)) {
        return true;
      }
    }
    return false;
  }

  private static RaftGroup groupOf(LocalCluster c) {
    List<RaftPeer> peers = new ArrayList<>();
    for (int i = 0; i < c.size(); i++) {
      peers.add(RaftPeer.newBuilder().setId(c.nodeId(i)).setAddress(c.addresses().get(i)).build());
    }
    return RaftGroup.valueOf(RaftGroupId.valueOf(ClusterIds.groupId(c.clusterId())), peers);
  }

  private static RaftClient rawClient(RaftGroup group, RetryPolicy policy) {
    return rawClient(group, policy, Duration.ofSeconds(5));
  }

  private static RaftClient rawClient(RaftGroup group, RetryPolicy policy, Duration requestTimeout) {
    return rawClient(group, policy, requestTimeout, new org.apache.ratis.conf.Parameters());   // RawRatisNode: no TLS
  }

  /** A raw client of a LocalCluster: {@code tls} from {@link LocalCluster#raftClientParameters()}. */
  private static RaftClient rawClient(RaftGroup group, RetryPolicy policy, org.apache.ratis.conf.Parameters tls) {
    return rawClient(group, policy, Duration.ofSeconds(5), tls);
  }

  private static RaftClient rawClient(RaftGroup group, RetryPolicy policy, Duration requestTimeout,
      org.apache.ratis.conf.Parameters parameters) {
    RaftProperties p = new RaftProperties();
    RaftClientConfigKeys.Rpc.setRequestTimeout(p, TimeDuration.valueOf(requestTimeout.toMillis(), TimeUnit.MILLISECONDS));
    return RaftClient.newBuilder().setRaftGroup(group).setProperties(p).setParameters(parameters).setRetryPolicy(policy)
        .build();
  }

  private static RaftClientRequest.Builder request(RaftClient raw, RaftGroupId group, String target) {
    return RaftClientRequest.newBuilder().setClientId(raw.getId()).setGroupId(group)
        .setCallId(CallId.getAndIncrement()).setServerId(RaftPeerId.valueOf(target)).setMessage(Message.valueOf("x"));
  }

  private static RaftClientRequest write(RaftClient raw, RaftGroupId group, String target) {
    return request(raw, group, target).setType(RaftClientRequest.writeRequestType()).build();
  }

  private static RaftClientRequest staleRead(RaftClient raw, RaftGroupId group, String target) {
    // A well-formed read: the node must answer it normally (a failed query would end the stream).
    byte[] get = RequestCodec.encode(new Request.Read(List.of(new Command.Get(Bytes.utf8("failures/k")))));
    return request(raw, group, target).setType(RaftClientRequest.staleReadRequestType(0))
        .setMessage(Message.valueOf(ByteString.copyFrom(get))).build();
  }
}
