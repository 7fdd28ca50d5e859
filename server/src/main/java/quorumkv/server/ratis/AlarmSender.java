package quorumkv.server.ratis;

import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import quorumkv.raftlog.command.Request;
import quorumkv.raftlog.command.RequestCodec;

/**
 * Writes this node's no-space alarm (raised or cleared) through the leader, at most one at a time; the
 * doctor calls again at its next check until the state machine shows the alarm applied. An alarm is
 * idempotent, so a send that times out and still commits does no harm.
 */
final class AlarmSender implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(AlarmSender.class);

  private final KvNode node;
  private RaftClient client;
  private CompletableFuture<RaftClientReply> inFlight;
  private boolean closed;
  /** The last alarm committed by this sender and its log index: not sent again until applied here. */
  private volatile boolean committedRaised;
  private volatile long committedIndex = -1;

  AlarmSender(KvNode node) {
    this.node = node;
  }

  /**
   * Sends the alarm unless one is in flight, or the same alarm was committed at an index this node has
   * not applied yet ({@code appliedIndex}): a member catching up would otherwise send it again each check.
   */
  synchronized void send(boolean raised, long appliedIndex) {
    if (closed || inFlight != null && !inFlight.isDone()) {
      return;
    }
    if (committedIndex >= 0 && committedRaised == raised && appliedIndex < committedIndex) {
      return;
    }
    if (client == null) {
      client = node.newMemberClient(false, 10);
    }
    String id = node.config().nodeId();
    byte[] bytes = RequestCodec.encode(new Request.Alarm(id, raised));
    RaftClient used = client;
    inFlight = used.async().send(Message.valueOf(ByteString.copyFrom(bytes)));
    inFlight.whenComplete((reply, e) -> {
      if (e != null || !reply.isSuccess()) {
        // Ratis closes an async client for good once a request has used up its retries; a failed send
        // may be that, so the next one starts with a new client.
        discard(used);
        LOG.warn("node={}: {} its no-space alarm failed ({}); trying again at the next check", id,
            raised ? "raising" : "clearing", e != null ? e.toString() : String.valueOf(reply.getException()));
      } else {
        committedRaised = raised;
        committedIndex = reply.getLogIndex();
        LOG.warn("node={}: no-space alarm {} at log index {}", id, raised ? "raised" : "cleared", reply.getLogIndex());
      }
    });
  }

  private synchronized void discard(RaftClient used) {
    if (client == used) {
      client = null;
    }
    try {
      used.close();
    } catch (IOException | RuntimeException e) {
      // already broken
    }
  }

  /** The log index of the last alarm this sender got committed; -1 for none. */
  long committedIndex() {
    return committedIndex;
  }

  /** No send in flight. */
  synchronized boolean idle() {
    return inFlight == null || inFlight.isDone();
  }

  @Override
  public synchronized void close() {
    closed = true; // a send after this would build a client nobody closes, retrying against a gone cluster
    if (client != null) {
      try {
        client.close();
      } catch (IOException e) {
        // closing
      }
      client = null;
    }
  }
}
