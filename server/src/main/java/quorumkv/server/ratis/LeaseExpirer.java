package quorumkv.server.ratis;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import quorumkv.raftlog.command.Command;
import quorumkv.raftlog.command.Request;
import quorumkv.raftlog.command.RequestCodec;
import quorumkv.raftlog.command.Response;
import quorumkv.raftlog.command.Result;
import quorumkv.raftlog.command.ResultCodec;
import quorumkv.raftlog.statemachine.LeaseDeadlines;

/**
 * Expires leases, on the leader only: every {@link #CHECK_MILLIS} it asks this node's
 * {@link LeaseDeadlines} which leases are past their deadline and proposes their expiry through the log
 * (up to {@link #MAX_PER_ENTRY} in one entry); every replica then deletes their keys at that entry.
 * Replicas never expire anything on their own clock.
 *
 * <p>When it finds this node leading a new term, it first extends every lease to its whole TTL from now
 * (the leader's clock has seen none of the old leader's keep-alives' timing), and only then expires: a
 * lease is never cut short by a failover. Each expiry names the renewal it ends, so a keep-alive that
 * reaches the log first keeps the lease; an expiry whose outcome is unknown is proposed again after
 * {@link #RETRY_MILLIS}, which is harmless.
 */
final class LeaseExpirer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(LeaseExpirer.class);
  static final long CHECK_MILLIS = 200;
  static final long RETRY_MILLIS = 2_000;
  static final int MAX_PER_ENTRY = 100;

  private final KvNode node;
  private final ScheduledExecutorService timer;
  private final AtomicLong expired = new AtomicLong();
  /** The term this node last led while checking; -1 while it does not lead. */
  private long ledTerm = -1;
  private RaftClient client;
  private boolean closed;

  LeaseExpirer(KvNode node) {
    this.node = node;
    this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "lease-expirer");
      t.setDaemon(true);
      return t;
    });
  }

  void start() {
    timer.scheduleWithFixedDelay(this::check, CHECK_MILLIS, CHECK_MILLIS, TimeUnit.MILLISECONDS);
  }

  /** Leases this node expired while leading (since it started). */
  long expiredCount() {
    return expired.get();
  }

  private synchronized void check() {
    if (closed) {
      return;
    }
    try {
      var sm = node.stateMachine();
      if (sm == null || !node.isLeader()) {
        ledTerm = -1;
        return;
      }
      LeaseDeadlines deadlines = sm.leaseDeadlines();
      long term = node.leaderView().term();
      if (term != ledTerm) {
        deadlines.extendAll();
        ledTerm = term;
        if (deadlines.size() > 0) {
          LOG.info("node={}: leading term {}: {} leases extended to their whole TTL from now", node.config().nodeId(),
              term, deadlines.size());
        }
        return;
      }
      List<LeaseDeadlines.Due> due = deadlines.due(TimeUnit.MILLISECONDS.toNanos(RETRY_MILLIS), MAX_PER_ENTRY);
      if (!due.isEmpty()) {
        propose(due);
      }
    } catch (IOException | RuntimeException e) {
      LOG.warn("node={}: lease expiry check failed: {}", node.config().nodeId(), e.toString());
    }
  }

  /** Proposes the expiries in one entry through this node, waiting for the outcome on this thread. */
  private void propose(List<LeaseDeadlines.Due> due) {
    if (client == null) {
      client = node.newMemberClient(true, 3);
    }
    List<Command> expiries = due.stream().map(d -> (Command) Command.Lease.expire(d.id(), d.renewedAt())).toList();
    byte[] bytes = RequestCodec.encode(Request.Write.unsessioned(expiries));
    try {
      RaftClientReply reply = client.io().send(Message.valueOf(ByteString.copyFrom(bytes)));
      if (!reply.isSuccess()) {
        throw new IOException(String.valueOf(reply.getException()));
      }
      Response response = ResultCodec.decodeResponse(reply.getMessage().getContent().toByteArray());
      if (response instanceof Response.Ok ok) {
        for (Result r : ok.results()) {
          if (r instanceof Result.LeaseResult l && l.remainingMillis() == 0) {
            expired.incrementAndGet();
            LOG.info("node={}: lease {} expired (TTL {} ms): {} keys deleted at log index {}", node.config().nodeId(),
                l.id(), l.ttlMillis(), l.keys(), ok.index());
          }
        }
      } else {
        LOG.warn("node={}: expiring leases {} was refused: {}", node.config().nodeId(), due, response);
      }
    } catch (IOException | RuntimeException e) {
      LOG.warn("node={}: expiring leases {} failed ({}); proposing again in {} ms if still leader",
          node.config().nodeId(), due, e.toString(), RETRY_MILLIS);
      closeClient(); // a Ratis client that used up its retries may stay broken
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
