package quorumkv.server.ratis;

import java.io.IOException;
import org.apache.ratis.server.RaftServer;
import quorumkv.raftlog.statemachine.KvStateMachine;

/**
 * Test-only access to a node's Ratis internals, which {@link KvNode} keeps package-private so production
 * code sees only its small status types. Tests use it to assert on Ratis's own view (configuration,
 * roles, flush index) or to drive Ratis directly.
 */
public final class NodeInternals {
  private NodeInternals() {}

  /** The node's Ratis member (role, term, log, configuration). */
  public static RaftServer.Division division(KvNode node) throws IOException {
    return node.division();
  }

  /** The node's Ratis server (to submit requests to it in process, as the node's own client does). */
  public static RaftServer server(KvNode node) {
    return node.server();
  }

  /** The node's current state machine (its store only through {@code withStore}). */
  public static KvStateMachine stateMachine(KvNode node) {
    return node.stateMachine();
  }

  /**
   * How many entries the node's group commit submitted are still in its Ratis retry cache. Each holds every
   * member's result; the next entry names the answered ones so that the leader drops them at once.
   */
  public static long groupRepliesCached(KvNode node) throws IOException {
    org.apache.ratis.server.RetryCache cache = node.division().getRetryCache();
    long cached = 0;
    for (long id = 1; id <= NodeGroupLog.lastCallId(); id++) {
      if (cache.getIfPresent(org.apache.ratis.protocol.ClientInvocationId.valueOf(NodeGroupLog.CLIENT_ID, id)) != null) {
        cached++;
      }
    }
    return cached;
  }

  /** Entries of more than one call the node's group commit sent so far, and the calls they carried. */
  public static long[] groupCommits(KvNode node) {
    return node.groupCommit().groupsAndCalls();
  }

  /** TLS handshakes that failed on Raft ports in this JVM (each logged once per 10 s as a WARN). */
  public static long raftPortHandshakeFailures() {
    return RaftPortLog.handshakeFailures();
  }

  /** A no-space alarm sender for {@code node}, as its doctor uses one: {@code send(raised, appliedIndex)}. */
  public static AlarmSenderHandle alarmSender(KvNode node) {
    AlarmSender sender = new AlarmSender(node);
    return new AlarmSenderHandle() {
      @Override
      public void send(boolean raised, long appliedIndex) {
        sender.send(raised, appliedIndex);
      }

      @Override
      public boolean idle() {
        return sender.idle();
      }

      @Override
      public long committedIndex() {
        return sender.committedIndex();
      }

      @Override
      public void close() {
        sender.close();
      }
    };
  }

  /** Test access to an {@link AlarmSender}. */
  public interface AlarmSenderHandle extends AutoCloseable {
    void send(boolean raised, long appliedIndex);

    /** No send in flight. */
    boolean idle();

    /** The log index of the last alarm it got committed; -1 for none. */
    long committedIndex();

    @Override
    void close();
  }
}
