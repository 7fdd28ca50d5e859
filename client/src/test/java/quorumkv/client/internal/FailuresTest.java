package quorumkv.client.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ConnectException;
import java.util.List;
import java.util.concurrent.CompletionException;
import org.apache.ratis.proto.RaftProtos.ReplicationLevel;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftGroupMemberId;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.protocol.exceptions.AlreadyClosedException;
import org.apache.ratis.protocol.exceptions.GroupMismatchException;
import org.apache.ratis.protocol.exceptions.LeaderNotReadyException;
import org.apache.ratis.protocol.exceptions.LeaderSteppingDownException;
import org.apache.ratis.protocol.exceptions.NotLeaderException;
import org.apache.ratis.protocol.exceptions.NotReplicatedException;
import org.apache.ratis.protocol.exceptions.RaftRetryFailureException;
import org.apache.ratis.protocol.exceptions.ReadException;
import org.apache.ratis.protocol.exceptions.ReadIndexException;
import org.apache.ratis.protocol.exceptions.ResourceUnavailableException;
import org.apache.ratis.protocol.exceptions.ServerNotReadyException;
import org.apache.ratis.protocol.exceptions.StaleReadException;
import org.apache.ratis.protocol.exceptions.StateMachineException;
import org.apache.ratis.protocol.exceptions.TimeoutIOException;
import org.apache.ratis.thirdparty.io.grpc.Status;
import org.apache.ratis.thirdparty.io.grpc.StatusRuntimeException;
import org.junit.jupiter.api.Test;
import quorumkv.client.internal.Failures.AttemptFailure.Action;
import quorumkv.client.internal.Failures.AttemptFailure;
import quorumkv.raftlog.command.ErrorCode;
import quorumkv.raftlog.command.RequestRefusedException;

/** Every Ratis failure the client handles, and what it makes of it. */
class FailuresTest {
  private static final RaftGroupMemberId MEMBER =
      RaftGroupMemberId.valueOf(RaftPeerId.valueOf("n2"), RaftGroupId.randomId());
  private static final RaftPeer N1 = RaftPeer.newBuilder().setId("n1").setAddress("127.0.0.1:1").build();
  private static final RaftPeer N2 = RaftPeer.newBuilder().setId("n2").setAddress("127.0.0.1:2").build();

  @Test
  void refusalWithADefiniteCodeIsARejection() {
    AttemptFailure f = Failures.classify(
        new StateMachineException(MEMBER, new RequestRefusedException.ValueTooLargeException("big")));
    assertEquals(Action.REJECT, f.action());
    assertEquals(ErrorCode.VALUE_TOO_LARGE, f.code());
    assertFalse(f.mayHaveApplied());
  }

  @Test
  void aDegradedLeaderSendsTheWriteElsewhereAndAFullMajorityFailsItAtOnce() {
    AttemptFailure moving = Failures.classify(new StateMachineException(MEMBER,
        new RequestRefusedException.NodeDegradedException("leader below its floor")));
    assertEquals(Action.RETRY_OTHER, moving.action());
    assertFalse(moving.mayHaveApplied(), "refused before the log");
    assertTrue(moving.targetNotLeader());
    AttemptFailure full = Failures.classify(new StateMachineException(MEMBER,
        new RequestRefusedException.NoSpaceException("majority full")));
    assertEquals(Action.REJECT, full.action());
    assertEquals(ErrorCode.NO_SPACE, full.code());
    assertFalse(full.mayHaveApplied());
    assertTrue(Results.refused(ErrorCode.NO_SPACE, "full", null) instanceof quorumkv.client.KvNoSpaceException);
    assertTrue(Results.refused(ErrorCode.KEY_TOO_LARGE, "big", null) instanceof quorumkv.client.KvRejectedException);
  }

  @Test
  void expiredSessionIsIndeterminate() {
    // Not a refusal the server sends today; pins that an indeterminate code is never turned into a rejection.
    AttemptFailure f = Failures.classify(
        new StateMachineException(MEMBER, new RequestRefusedException(ErrorCode.SESSION_EXPIRED, "gone") {}));
    assertEquals(Action.INDETERMINATE, f.action());
    assertEquals(ErrorCode.SESSION_EXPIRED, f.code());
    assertTrue(f.mayHaveApplied());
  }

  @Test
  void watchTheLeaderGaveUpOnIsRepeatedThere() {
    AttemptFailure f = Failures.classify(new NotReplicatedException(7, ReplicationLevel.ALL_COMMITTED, 42));
    assertEquals(Action.RETRY_SAME, f.action());
    assertFalse(f.targetNotLeader(), "the leader still leads; only a voter lags");
    assertFalse(f.reconnect());
  }

  @Test
  void staleReadRetriesElsewhere() {
    AttemptFailure f = Failures.classify(new StateMachineException(MEMBER, new StaleReadException("behind")));
    assertEquals(Action.RETRY_OTHER, f.action());
    assertFalse(f.mayHaveApplied());
    assertEquals(Action.RETRY_OTHER, Failures.classify(new StaleReadException("served below")).action());
  }

  @Test
  void aLeaderThatCouldNotConfirmItLeadsIsLeftForAnotherNode() {
    AttemptFailure f = Failures.classify(new StateMachineException(MEMBER,
        new org.apache.ratis.protocol.exceptions.ReadIndexException("no majority answered n1 within 225 ms")));
    assertEquals(Action.RETRY_OTHER, f.action());
    assertTrue(f.targetNotLeader(), "it may be cut off while another node leads");
    assertFalse(f.mayHaveApplied());
  }

  @Test
  void stateMachineFailureWithoutCodeMayHaveApplied() {
    AttemptFailure f = Failures.classify(new StateMachineException(MEMBER, new RuntimeException("apply failed")));
    assertEquals(Action.RETRY_OTHER, f.action());
    assertTrue(f.mayHaveApplied());
  }

  @Test
  void notLeaderFollowsTheHintButMayHaveApplied() {
    NotLeaderException nle = new NotLeaderException(MEMBER, N1, List.of(N1, N2));
    AttemptFailure f = Failures.classify(new CompletionException(nle));
    assertEquals(Action.RETRY_OTHER, f.action());
    assertSame(N1, f.suggestedLeader());
    assertEquals(List.of(N1, N2), f.peers());
    // A leader stepping down answers its pending (appended) requests with NotLeaderException.
    assertTrue(f.mayHaveApplied());
    assertTrue(f.reconnect());
    assertTrue(f.targetNotLeader());
    assertNull(Failures.classify(new NotLeaderException(MEMBER, null, null)).suggestedLeader());
  }

  @Test
  void leaderNotReadyRetriesTheSameNodeSoon() {
    AttemptFailure f = Failures.classify(new LeaderNotReadyException(MEMBER));
    assertEquals(Action.RETRY_SAME_SOON, f.action(), "it leads once one entry of its term commits");
    assertTrue(f.mayHaveApplied(), "gRPC fails every request on the stream with it");
  }

  @Test
  void refusalsBeforeTheLogAreDefinite() {
    for (Throwable t : List.of(new LeaderSteppingDownException("stepping down"),
        new GroupMismatchException("other group"), new ResourceUnavailableException("busy"),
        new ReadException("snapshot"), new ReadIndexException("leader unknown"))) {
      AttemptFailure f = Failures.classify(t);
      assertFalse(f.mayHaveApplied(), t.toString());
      assertTrue(f.action() == Action.RETRY_OTHER || f.action() == Action.RETRY_SAME, t.toString());
    }
    assertEquals(Action.RETRY_SAME, Failures.classify(new ResourceUnavailableException("busy")).action());
  }

  @Test
  void connectionRefusedNeverReachedTheServer() {
    IOException io = new IOException("UNAVAILABLE: io exception", new ConnectException("Connection refused"));
    AttemptFailure f = Failures.classify(new CompletionException(io));
    assertEquals(Action.RETRY_OTHER, f.action());
    assertFalse(f.mayHaveApplied());
    assertTrue(f.reconnect());
  }

  @Test
  void aFailedTlsHandshakeNeverReachedTheServerAndSaysWhy() {
    IOException io = new IOException("UNAVAILABLE: io exception", new javax.net.ssl.SSLHandshakeException(
        "General OpenSslEngine problem"));
    io.getCause().initCause(new java.security.cert.CertificateException("PKIX path building failed"));
    AttemptFailure f = Failures.classify(new CompletionException(io));
    assertEquals(Action.RETRY_OTHER, f.action());
    assertFalse(f.mayHaveApplied());
    assertEquals(" (TLS handshake failed: PKIX path building failed)", Failures.tlsHint(io));
    assertEquals("", Failures.tlsHint(new IOException("UNAVAILABLE: Connection reset by peer")));
    assertTrue(Failures.classify(new IOException("UNAVAILABLE: Network closed for unknown reason")).mayHaveApplied(),
        "a connection that closed without a handshake failure may have carried the request");
  }

  @Test
  void lostConnectionsAndTimeoutsMayHaveApplied() {
    AttemptFailure reset = Failures.classify(new IOException("UNAVAILABLE: Connection reset by peer"));
    assertTrue(reset.mayHaveApplied());
    assertTrue(reset.reconnect());
    AttemptFailure timeout = Failures.classify(new TimeoutIOException("no reply"));
    assertTrue(timeout.mayHaveApplied());
    assertFalse(timeout.reconnect(), "a slow reply does not mean a dead stream");
    AttemptFailure closed = Failures.classify(
        new AlreadyClosedException("client-1->n1: Stream onError: no reply for async request cid=7"));
    assertTrue(closed.mayHaveApplied(), "sent before the stream ended");
    assertTrue(closed.reconnect());
    AttemptFailure refused = Failures.classify(new AlreadyClosedException("client-1->n1 is closed."));
    assertFalse(refused.mayHaveApplied(), "Ratis refused to send on a dead stream");
    assertTrue(refused.reconnect());
    AttemptFailure notReady = Failures.classify(new ServerNotReadyException("closing"));
    assertTrue(notReady.mayHaveApplied());
  }

  @Test
  void retryFailureKeepsTheInnerVerdictButMayHaveApplied() {
    RaftRetryFailureException e = new RaftRetryFailureException(null, 3, null,
        new IOException("x", new ConnectException("refused")));
    AttemptFailure f = Failures.classify(e);
    assertEquals(Action.RETRY_OTHER, f.action());
    assertTrue(f.mayHaveApplied(), "earlier tries inside Ratis may have been sent");
  }

  @Test
  void oversizedMessageIsRejected() {
    AttemptFailure f = Failures.classify(new IllegalArgumentException("request serialized size 9 exceeds maximum 8"));
    assertEquals(Action.REJECT, f.action());
    assertEquals(ErrorCode.REQUEST_TOO_LARGE, f.code());
  }

  @Test
  void unknownFailuresRebuildTheClient() {
    AttemptFailure f = Failures.classify(new IllegalStateException("duplicate call id"));
    assertEquals(Action.REBUILD, f.action());
    assertTrue(f.mayHaveApplied());
  }

  @Test
  void resourceUnavailableEndingTheStreamMayBelongToAnAppendedRequest() {
    AttemptFailure f = Failures.classify(new ResourceUnavailableException("element limit"), true);
    assertEquals(Action.RETRY_SAME, f.action());
    assertTrue(f.mayHaveApplied(), "the server ended the stream: every pending request got it");
    assertTrue(f.reconnect());
    assertFalse(Failures.classify(new ResourceUnavailableException("element limit"), false).mayHaveApplied());
  }

  @Test
  void grpcStatusIsAConnectionFailureByType() {
    var status = new org.apache.ratis.thirdparty.io.grpc.StatusRuntimeException(
        org.apache.ratis.thirdparty.io.grpc.Status.UNAVAILABLE);
    AttemptFailure f = Failures.classify(status, true);
    assertEquals(Action.RETRY_OTHER, f.action());
    assertTrue(f.mayHaveApplied());
    assertTrue(f.reconnect());
  }

  @Test
  void onlyTheClosedStreamMessageMeansNeverSent() {
    assertFalse(Failures.classify(new AlreadyClosedException("c->n1: the stream is closed.")).mayHaveApplied());
    // Everything else closed counts as possibly sent: no message fragments beyond the one above.
    assertTrue(Failures.classify(new AlreadyClosedException("proxies: Failed to create proxy for n1"))
        .mayHaveApplied());
  }

  @Test
  void onlyAFailedConnectionMarksAMemberUnreachable() {
    var refused = new StatusRuntimeException(
        Status.UNAVAILABLE.withDescription("io exception")
            .withCause(new ConnectException("Connection refused")));
    assertTrue(Failures.unreachable(new CompletionException(refused)));
    assertTrue(Failures.unreachable(new IOException(new ConnectException("refused"))));
    assertFalse(Failures.unreachable(new TimeoutIOException("no reply")),
        "a silent node keeps its connection: the hedge handles it, not this mark");
    assertFalse(Failures.unreachable(new StatusRuntimeException(
        Status.DEADLINE_EXCEEDED)));
    assertFalse(Failures.unreachable(new NotLeaderException(
        RaftGroupMemberId.valueOf(RaftPeerId.valueOf("n1"), RaftGroupId.randomId()),
        null, List.of())));
  }

  @Test
  void aNodeOfAnotherGroupIsRecognisedThroughWrapping() {
    assertTrue(Failures.otherGroup(new CompletionException(new GroupMismatchException("other group"))));
    assertFalse(Failures.otherGroup(new NotLeaderException(
        RaftGroupMemberId.valueOf(RaftPeerId.valueOf("n1"), RaftGroupId.randomId()), null, List.of())));
  }
}
