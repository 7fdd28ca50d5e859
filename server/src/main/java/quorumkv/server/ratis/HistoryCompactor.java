package quorumkv.server.ratis;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import quorumkv.raftlog.command.Request;
import quorumkv.raftlog.command.RequestCodec;

/**
 * Keeps the change history (which watches read) to its window: on the leader only, every
 * {@link #CHECK_MILLIS} it proposes a {@link Request.Compact} through the log, so that every replica drops
 * the same events at the same entry. Time decides only what the leader proposes, never what a replica
 * does: the leader remembers which revision was applied when (samples of its own), and compacts a
 * revision once it is both older than {@code age} and more than {@code revisions} behind the newest. A
 * new leader starts with no samples, so it compacts by age only after holding leadership for
 * {@code age}: a failover can delay compaction, never hasten it.
 */
final class HistoryCompactor implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(HistoryCompactor.class);
  static final long CHECK_MILLIS = 5_000;

  private final KvNode node;
  private final long revisions;
  private final long ageMillis;
  private final ScheduledExecutorService timer;
  /** (time, applied revision) samples while leader, oldest first. */
  private final Deque<long[]> samples = new ArrayDeque<>();
  private RaftClient client;
  private boolean closed;

  HistoryCompactor(KvNode node, long revisions, Duration age) {
    this.node = node;
    this.revisions = revisions;
    this.ageMillis = age.toMillis();
    this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "history-compactor");
      t.setDaemon(true);
      return t;
    });
  }

  void start() {
    timer.scheduleWithFixedDelay(this::check, CHECK_MILLIS, CHECK_MILLIS, TimeUnit.MILLISECONDS);
  }

  private synchronized void check() {
    if (closed) {
      return; // a check that waited for close's lock must not build a client nobody closes
    }
    try {
      if (!node.isLeader()) {
        samples.clear();
        return;
      }
      var sm = node.stateMachine();
      if (sm == null) {
        return;
      }
      long[] state = sm.withStore(s -> new long[] {s.revisionOf(s.applied().index()), s.historyStart()});
      long now = System.currentTimeMillis();
      sample(now, state[0]);
      long target = target(now, state[0]);
      // Not an entry per check: only once a tenth of the window (at most 1,000 revisions) can go.
      if (target - state[1] < Math.max(1, Math.min(1_000, revisions / 10))) {
        return;
      }
      propose(target);
    } catch (IOException | RuntimeException e) {
      LOG.warn("node={}: history compaction check failed: {}", node.config().nodeId(), e.toString());
    }
  }

  void sample(long now, long appliedRevision) {
    samples.addLast(new long[] {now, appliedRevision});
  }

  /** The revision to compact below: 0 for none yet. Drops samples that no longer matter. */
  long target(long now, long appliedRevision) {
    long byAge = 0;
    while (!samples.isEmpty() && samples.peekFirst()[0] <= now - ageMillis) {
      byAge = samples.pollFirst()[1] + 1; // applied before the age limit: events up to it may go
    }
    if (byAge > 0) {
      samples.addFirst(new long[] {now - ageMillis, byAge - 1}); // keep the newest old sample
    }
    return Math.min(byAge, appliedRevision - revisions + 1);
  }

  /** Proposes the compaction through this node (the leader), waiting for it on the compactor's thread. */
  private void propose(long target) {
    if (client == null) {
      client = node.newMemberClient(true, 5);
    }
    byte[] bytes = RequestCodec.encode(new Request.Compact(target));
    try {
      RaftClientReply reply = client.io().send(Message.valueOf(ByteString.copyFrom(bytes)));
      if (!reply.isSuccess()) {
        throw new IOException(String.valueOf(reply.getException()));
      }
      LOG.info("node={}: change history compacted below revision {} (log index {})", node.config().nodeId(),
          target, reply.getLogIndex());
    } catch (IOException | RuntimeException e) {
      LOG.warn("node={}: compacting the change history below revision {} failed ({}); trying again later",
          node.config().nodeId(), target, e.toString());
      closeClient(); // a Ratis client that used up its retries may stay broken: the next try builds a new one
    }
  }

  @Override
  public synchronized void close() {
    closed = true;
    timer.shutdownNow();
    closeClient();
  }

  private void closeClient() {
    KvNode.closeQuietly(client);
    client = null;
  }
}
