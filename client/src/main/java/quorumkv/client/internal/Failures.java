package quorumkv.client.internal;

import java.io.IOException;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.nio.channels.UnresolvedAddressException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import javax.net.ssl.SSLHandshakeException;
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
import org.apache.ratis.thirdparty.io.grpc.StatusException;
import org.apache.ratis.thirdparty.io.grpc.StatusRuntimeException;
import java.util.Collection;
import java.util.List;
import org.apache.ratis.protocol.RaftPeer;
import quorumkv.client.KvUnavailableException;
import quorumkv.client.internal.Failures.AttemptFailure.Action;
import quorumkv.raftlog.command.ErrorCode;
import quorumkv.raftlog.command.RequestRefusedException;

/**
 * Maps what one Ratis attempt failed with to an {@link AttemptFailure}. The one rule that matters for
 * correctness: {@code mayHaveApplied} is false only where the request provably did not reach the log.
 * Two Ratis behaviours make that narrower than it looks:
 *
 * <ul>
 *   <li>A leader that steps down answers its pending, already appended requests with
 *       NotLeaderException, and such an entry may still commit under the next leader. So
 *       NotLeaderException does not prove "not appended".</li>
 *   <li>The gRPC client fails every request pending on a stream with the same NotLeaderException or
 *       LeaderNotReadyException that one reply carried, so either may belong to another request.</li>
 * </ul>
 *
 * Provably not appended: the connection could not be opened; the server refused the request before the
 * log (a QuorumKV refusal from startTransaction, stepping down, resource limits, group mismatch); or it is
 * a stale read refusal, which only reads get.
 */
final class Failures {
  private Failures() {}

  /**
   * What one failed attempt means for its call: the verdict of {@link Failures#classify}.
   *
   * @param action what to do next
   * @param mayHaveApplied false only if this attempt certainly did not append the request (it never left
   *     the client, the connection could not be opened, or the server refused it before the log); a write
   *     whose every attempt has {@code false} here can fail as unavailable, otherwise as indeterminate
   * @param reconnect the connection (gRPC stream) to the target is no longer usable: open a new one
   * @param targetNotLeader the target is not (or may no longer be) the leader: do not prefer it
   * @param suggestedLeader the leader the target named, or null
   * @param peers the group's members as the target knows them; empty if it did not say
   * @param code the QuorumKV error code for REJECT and INDETERMINATE, else null
   * @param cause the failure itself, for logs and as the cause of the final exception
   */
  record AttemptFailure(Action action, boolean mayHaveApplied, boolean reconnect, boolean targetNotLeader,
      RaftPeer suggestedLeader, Collection<RaftPeer> peers, ErrorCode code, Throwable cause) {

    enum Action {
      /** Definite refusal of the request itself: fail the call now with KvRejectedException. */
      REJECT,
      /** The cluster says the outcome can no longer be known: fail the call now, indeterminate. */
      INDETERMINATE,
      /** Try the same node again after a pause that grows with each retry (it is busy). */
      RETRY_SAME,
      /**
       * Try the same node again after the shortest pause: it has just won an election and leads as soon
       * as an entry of its term commits, one round trip to a follower away.
       */
      RETRY_SAME_SOON,
      /** Try another node (the suggested leader if there is one). */
      RETRY_OTHER,
      /** The RaftClient itself is unusable: replace it, then retry. */
      REBUILD
    }

    AttemptFailure {
      peers = peers == null ? List.of() : List.copyOf(peers);
    }

    static AttemptFailure of(Action action, boolean mayHaveApplied, boolean reconnect, boolean targetNotLeader,
        Throwable cause) {
      return new AttemptFailure(action, mayHaveApplied, reconnect, targetNotLeader, null, List.of(), null, cause);
    }
  }

  /** The verdict on a failure a node sent in its reply to this very request. */
  static AttemptFailure classify(Throwable thrown) {
    return classify(thrown, false);
  }

  /**
   * The verdict on one attempt's failure, by the exception's type only; {@code streamFailure}: it ended
   * the attempt's future rather than arriving in a reply. Ratis's gRPC server ends a client's whole
   * unordered stream when one request fails exceptionally, and the client then fails every request
   * pending on that stream with the same exception, so such a failure may belong to another request.
   */
  static AttemptFailure classify(Throwable thrown, boolean streamFailure) {
    Throwable t = unwrap(thrown);
    if (t instanceof RaftRetryFailureException && t.getCause() != null) {
      // Not produced by our single-RPC attempts; if it ever is, earlier tries may have been sent.
      AttemptFailure inner = classify(t.getCause(), streamFailure);
      return new AttemptFailure(inner.action(), true, inner.reconnect(), inner.targetNotLeader(),
          inner.suggestedLeader(), inner.peers(), inner.code(), t);
    }
    if (t instanceof StateMachineException) {
      return stateMachine(t);
    }
    if (t instanceof NotLeaderException nle) {
      return new AttemptFailure(Action.RETRY_OTHER, true, true, true, nle.getSuggestedLeader(), nle.getPeers(),
          null, t);
    }
    if (t instanceof LeaderNotReadyException) {
      // The node won an election but has not yet committed an entry of its term: wait for it, briefly.
      return AttemptFailure.of(Action.RETRY_SAME_SOON, true, true, false, t);
    }
    if (t instanceof NotReplicatedException) {
      // A watch the leader gave up on (raft.server.watch.timeout): some voter still lacks the entry.
      return AttemptFailure.of(Action.RETRY_SAME, false, false, false, t);
    }
    if (t instanceof LeaderSteppingDownException || t instanceof GroupMismatchException) {
      return AttemptFailure.of(Action.RETRY_OTHER, false, false, true, t);
    }
    if (t instanceof ResourceUnavailableException) {
      // In a reply: refused before the log (e.g. raft.server.write.element-limit). As a stream failure
      // (how the write element limit arrives over gRPC: the leader fails the request's future, the server
      // ends the stream), every request pending on that stream gets it, appended ones too: on the safe
      // side, it may have applied, and the stream is gone.
      return AttemptFailure.of(Action.RETRY_SAME, streamFailure, streamFailure, false, t);
    }
    if (t instanceof ReadException || t instanceof ReadIndexException || t instanceof StaleReadException) {
      return AttemptFailure.of(Action.RETRY_OTHER, false, false, false, t);
    }
    if (t instanceof ServerNotReadyException) {
      // Starting or closing: a closing node may have appended requests it had already accepted.
      return AttemptFailure.of(Action.RETRY_OTHER, true, true, true, t);
    }
    if (t instanceof TimeoutIOException) {
      // No reply in time: the request may be sitting in the log. The stream itself may be healthy.
      return AttemptFailure.of(Action.RETRY_OTHER, true, false, true, t);
    }
    if (t instanceof AlreadyClosedException) {
      // The stream to this node ended; a fresh one is needed. The one place where only the message tells:
      // whether the request left the client (see refusedOnClosedStream).
      return AttemptFailure.of(Action.RETRY_OTHER, !refusedOnClosedStream(t), true, true, t);
    }
    if (permissionDenied(t)) {
      // The node's Raft-port guard refused the call before Ratis saw it: nothing applied, and a retry
      // with the same certificate is refused the same way.
      return new AttemptFailure(Action.REJECT, false, false, false, null, null, ErrorCode.PERMISSION_DENIED, t);
    }
    if (t instanceof IOException || t instanceof StatusRuntimeException || t instanceof StatusException) {
      // A failed TLS handshake (the node's certificate is not trusted, or ours was refused) ends the
      // connection before the node reads any request from it.
      boolean neverConnected = causedBy(t, ConnectException.class) || causedBy(t, UnknownHostException.class)
          || causedBy(t, UnresolvedAddressException.class) || causedBy(t, SSLHandshakeException.class);
      return AttemptFailure.of(Action.RETRY_OTHER, !neverConnected, true, true, t);
    }
    if (t instanceof IllegalArgumentException) {
      // The gRPC client refuses to send a request over its message size limit with this type (and has no
      // other reason to throw it for a request we built): not sent, and sending it again cannot help.
      return new AttemptFailure(Action.REJECT, false, false, false, null, null, ErrorCode.REQUEST_TOO_LARGE, t);
    }
    // Anything else is a fault inside the RaftClient (a bug, or a state we do not know): replace it.
    return AttemptFailure.of(Action.REBUILD, true, true, true, t);
  }

  /** True if gRPC ended the call with PERMISSION_DENIED or UNAUTHENTICATED (the node's Raft-port guard). */
  static boolean permissionDenied(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof StatusRuntimeException || c instanceof StatusException) {
        var code = org.apache.ratis.thirdparty.io.grpc.Status.fromThrowable(c).getCode();
        return code == org.apache.ratis.thirdparty.io.grpc.Status.Code.PERMISSION_DENIED
            || code == org.apache.ratis.thirdparty.io.grpc.Status.Code.UNAUTHENTICATED;
      }
      if (c.getCause() == c) {
        break;
      }
    }
    return false;
  }

  /**
   * True if the failure says the node could not be reached at all: gRPC's UNAVAILABLE (the connection was
   * refused or dropped, as when the node's process is gone) or a refused connect underneath. Not a timeout:
   * a node that is slow or frozen keeps its connection, and the hedge handles it.
   */
  static boolean unreachable(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
      if (c instanceof StatusRuntimeException || c instanceof StatusException) {
        return org.apache.ratis.thirdparty.io.grpc.Status.fromThrowable(c).getCode()
            == org.apache.ratis.thirdparty.io.grpc.Status.Code.UNAVAILABLE;
      }
      if (c instanceof ConnectException) {
        return true;
      }
    }
    return false;
  }

  /**
   * The node serves another Raft group than the client's (a client given another cluster's id, or a node
   * between its member's removal and re-adding in a restart): it has no log of the client's group, so the
   * request was not appended anywhere.
   */
  static boolean otherGroup(Throwable t) {
    return causeOfType(t, GroupMismatchException.class) != null;
  }

  /**
   * Ratis's gRPC client refused to send on a stream it had already closed, so the request never left:
   * its AlreadyClosedException then says "{@code <stream> is closed.}" or "{@code <stream>: the stream is
   * closed.}", while requests already sent when a stream ends get "{@code Stream ...: no reply for async
   * request}". Ratis gives no type for the difference; pinned against the real message by RatisFailuresIT
   * and FailuresTest. Any other AlreadyClosedException (a proxy map closing, say) counts as possibly sent.
   */
  static boolean refusedOnClosedStream(Throwable closed) {
    return String.valueOf(closed.getMessage()).endsWith("is closed.");
  }

  private static AttemptFailure stateMachine(Throwable t) {
    ErrorCode code = codeIn(t);
    if (code == ErrorCode.NODE_DEGRADED) {
      // A leader below its free-space floor refused before the log while leadership moves: not applied.
      return AttemptFailure.of(Action.RETRY_OTHER, false, false, true, t);
    }
    if (code != null) {
      Action action = code.isDefinite() ? Action.REJECT : Action.INDETERMINATE;
      return new AttemptFailure(action, !code.isDefinite(), false, false, null, null, code, t);
    }
    if (causedBy(t, ReadIndexException.class)) {
      // A leader that could not show a majority answered it just now refused a linearizable read: it may
      // be cut off while another node leads. Not applied; ask another node.
      return AttemptFailure.of(Action.RETRY_OTHER, false, false, true, t);
    }
    if (causedBy(t, StaleReadException.class)) {
      // The replica has not yet committed the client's minimum index: another replica may have.
      return AttemptFailure.of(Action.RETRY_OTHER, false, false, false, t);
    }
    // The state machine failed the request without a code: it may have failed after the log.
    return AttemptFailure.of(Action.RETRY_OTHER, true, false, false, t);
  }

  /**
   * The code of the first {@link RequestRefusedException} among {@code t} and its causes, or null. Ratis
   * rebuilds the state machine's refusal on the client as the cause of its StateMachineException.
   */
  static ErrorCode codeIn(Throwable t) {
    RequestRefusedException refused = causeOfType(t, RequestRefusedException.class);
    return refused == null ? null : refused.code();
  }

  /** The first of {@code t} and its causes that is a {@code type}, or null. */
  private static <T extends Throwable> T causeOfType(Throwable t, Class<T> type) {
    for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
      if (type.isInstance(c)) {
        return type.cast(c);
      }
    }
    return null;
  }

  /** The exception a caller should see for a failed future's cause: a KvException as it is. */
  static RuntimeException forCaller(Throwable t) {
    while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
      t = t.getCause();
    }
    if (t instanceof RuntimeException r) {
      return r;
    }
    if (t instanceof Error e) {
      throw e;
    }
    return new KvUnavailableException("unexpected failure: " + t, t);
  }

  static Throwable unwrap(Throwable t) {
    while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }

  /**
   * For a failure whose chain holds a failed TLS handshake, " (TLS handshake failed: ROOT CAUSE)", naming
   * what an operator must fix (an unknown CA, an expired or refused certificate); otherwise "". gRPC's own
   * message for it is only "io exception".
   */
  static String tlsHint(Throwable t) {
    if (t == null || !causedBy(t, SSLHandshakeException.class)) {
      return "";
    }
    Throwable root = t;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return " (TLS handshake failed: " + root.getMessage() + ")";
  }

  static boolean causedBy(Throwable t, Class<? extends Throwable> type) {
    for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
      if (type.isInstance(c)) {
        return true;
      }
    }
    return false;
  }
}
