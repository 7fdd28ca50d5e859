package quorumkv.server.ratis;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.ratis.protocol.ClientId;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftClientRequest;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.protocol.exceptions.LeaderNotReadyException;
import org.apache.ratis.protocol.exceptions.NotLeaderException;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.thirdparty.com.google.protobuf.UnsafeByteOperations;
import quorumkv.raftlog.command.GroupWrite;
import quorumkv.raftlog.command.RequestRefusedException;
import quorumkv.raftlog.statemachine.KvStateMachine;
import quorumkv.server.group.GroupCommit;

/**
 * This node's Raft log as {@link GroupCommit} uses it: whether the member leads, the state machine's
 * admission check of one call, and an entry submitted to this node's own Ratis server in process, under a
 * client id of its own (Ratis's retry cache sees each entry once; the callers' sessions inside are what
 * make their retries exactly-once).
 */
final class NodeGroupLog implements GroupCommit.Log {
  static final ClientId CLIENT_ID = ClientId.randomId();
  private static final AtomicLong CALL_IDS = new AtomicLong();

  /** The call id of the latest entry any node of this JVM submitted (tests look entries up by it). */
  static long lastCallId() {
    return CALL_IDS.get();
  }

  private final KvNode node;
  private final ConcurrentLinkedQueue<Long> replied = new ConcurrentLinkedQueue<>();
  private final RaftPeerId self;

  NodeGroupLog(KvNode node) {
    this.node = node;
    this.self = RaftPeerId.valueOf(node.config().nodeId());
  }

  @Override
  public GroupWrite.NotLeader notLeading() {
    RaftServer.Division d = node.divisionOrNull();
    if (d == null) {
      return new GroupWrite.NotLeader("", "node " + self + " has no running member");
    }
    if (d.getInfo().isLeader()) {
      return null;
    }
    RaftPeerId leader = d.getInfo().getLeaderId();
    return new GroupWrite.NotLeader(leader == null ? "" : leader.toString(), "node " + self + " is not the leader",
        members(d));
  }

  /** The configuration's voters as {@code id=address}, for the client to learn them as from a NotLeaderException. */
  private static java.util.List<String> members(RaftServer.Division d) {
    return d.getRaftConf().getAllPeers().stream().filter(p -> p.getAddress() != null)
        .map(p -> p.getId() + "=" + p.getAddress()).toList();
  }

  @Override
  public GroupWrite.Refused refusal(byte[] write) {
    KvStateMachine sm = node.stateMachine();
    RequestRefusedException refused = sm == null ? null : sm.admissionRefusal(write);
    return refused == null ? null : new GroupWrite.Refused(refused.code(), refused.getMessage());
  }

  @Override
  public CompletableFuture<byte[]> append(byte[] entry) {
    long callId = CALL_IDS.incrementAndGet();
    RaftClientRequest request = RaftClientRequest.newBuilder().setClientId(CLIENT_ID).setLeaderId(self)
        .setGroupId(node.groupId()).setCallId(callId).setRepliedCallIds(drainReplied())
        .setMessage(Message.valueOf(UnsafeByteOperations.unsafeWrap(entry)))
        .setType(RaftClientRequest.writeRequestType()).build();
    try {
      return node.server().submitClientRequestAsync(request)
          .whenComplete((reply, e) -> replied.add(callId))
          .thenApply(NodeGroupLog::replyBytes);
    } catch (IOException | RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  /**
   * The call ids of entries already answered, for the leader to drop from its retry cache with the next
   * entry (as the client library does): a group's reply holds every member's result and is never asked
   * for again, since callers retry by their own session, not by this call id.
   */
  private List<Long> drainReplied() {
    List<Long> out = new ArrayList<>();
    for (Long id; out.size() < 256 && (id = replied.poll()) != null; ) {
      out.add(id);
    }
    return out;
  }

  private static byte[] replyBytes(RaftClientReply reply) {
    if (reply.isSuccess()) {
      return reply.getMessage().getContent().toByteArray();
    }
    throw new GroupCommit.ReplyException(failure(reply));
  }

  /** What each call of a failed entry is told. */
  static GroupWrite.Reply failure(RaftClientReply reply) {
    NotLeaderException notLeader = reply.getNotLeaderException();
    if (notLeader != null) {
      var suggested = notLeader.getSuggestedLeader();
      return new GroupWrite.NotLeader(suggested == null ? "" : suggested.getId().toString(), notLeader.getMessage(),
          notLeader.getPeers().stream().filter(p -> p.getAddress() != null)
              .map(p -> p.getId() + "=" + p.getAddress()).toList());
    }
    Throwable e = reply.getException();
    if (e instanceof LeaderNotReadyException) {
      // Not appended; this node has just won its election: the caller tries it again shortly.
      return new GroupWrite.NotLeader(reply.getServerId().toString(), e.getMessage());
    }
    Throwable cause = e == null ? null : e.getCause();
    if (e instanceof RequestRefusedException r) {
      return new GroupWrite.Refused(r.code(), r.getMessage());
    }
    if (cause instanceof RequestRefusedException r) {
      return new GroupWrite.Refused(r.code(), r.getMessage());
    }
    return new GroupWrite.Unknown("the entry's outcome is unknown: " + e);
  }
}
