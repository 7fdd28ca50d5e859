package quorumkv.server.group;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import quorumkv.raftlog.command.Bytes;
import quorumkv.raftlog.command.Command;
import quorumkv.raftlog.command.CommandCodecException;
import quorumkv.raftlog.command.ErrorCode;
import quorumkv.raftlog.command.GroupWrite;
import quorumkv.raftlog.command.Request;
import quorumkv.raftlog.command.RequestCodec;
import quorumkv.raftlog.command.Response;
import quorumkv.raftlog.command.ResultCodec;

/**
 * Group commit across clients, on the leader: each write call that arrives while {@code inFlight} entries
 * of this node are already on their way queues, and each entry that ends makes room for the next, which
 * carries every queued call it may (up to {@code maxWrites} and {@code maxBytes}) as one {@link Request.Group}:
 * one append, one replication round, one fsync per node and one apply for all of them. A lone call goes
 * out at once, as an ordinary write entry.
 *
 * <p>Why it is safe. Each call keeps its own session and call id inside the group, so the state machine
 * deduplicates it per caller exactly as if it had its own entry: a caller whose node died after appending
 * retries the same call through another node and it applies once. Each call keeps its own caller (the
 * Raft port's guard wrapped it), so it is authorized as that caller. The calls of a group were all pending
 * at once, so any order of them is a valid linearization; they apply atomically in queue order. A group
 * never holds two calls writing one key (they share the entry's revision), and holds only calls made of
 * single-key writes: a transaction, which reads what it writes, goes alone.
 *
 * <p>Outcomes: each caller gets its own response out of the group's. A refusal before the log of one call
 * (limits, checked per call before grouping) is that call's alone; a refusal or failure of the whole entry
 * (no space, leadership lost) is every member's, as it would have been for each alone.
 */
public final class GroupCommit {
  /** The node's Raft log, as group commit needs it (implemented in {@code ratis}). */
  public interface Log {
    /** Null while this node leads; otherwise the reply for a call that came here (who leads, if known). */
    GroupWrite.NotLeader notLeading();

    /** Null if the leader would let {@code write} (a write, or one in a caller envelope) into the log now. */
    GroupWrite.Refused refusal(byte[] write);

    /**
     * Appends one entry holding {@code entry} and completes with the applied entry's reply bytes, or with a
     * {@link ReplyException} saying what every call in it is to be told.
     */
    CompletableFuture<byte[]> append(byte[] entry);
  }

  /** An entry's failure, with the reply each of its calls gets. */
  public static final class ReplyException extends RuntimeException {
    private final GroupWrite.Reply reply;

    public ReplyException(GroupWrite.Reply reply) {
      super(String.valueOf(reply), null, false, false);
      this.reply = reply;
    }

    public GroupWrite.Reply reply() {
      return reply;
    }
  }

  /** One call: its bytes, the keys it writes (null: it may not share an entry), and its caller's reply. */
  private record Pending(byte[] bytes, Set<Bytes> keys, CompletableFuture<GroupWrite.Reply> reply) {}

  private final Log log;
  private final int inFlightLimit;
  private final int maxWrites;
  private final int maxBytes;

  // Guarded by this.
  private final ArrayDeque<Pending> queue = new ArrayDeque<>();
  private int inFlight;
  private boolean closed;
  private long groups;
  private long grouped;
  private long entries;
  private long calls;

  public GroupCommit(Log log, int inFlightLimit, int maxWrites, int maxBytes) {
    if (inFlightLimit < 1 || maxWrites < 1 || maxBytes < 1) {
      throw new IllegalArgumentException("group commit: in flight, writes and bytes are at least 1");
    }
    this.log = log;
    this.inFlightLimit = inFlightLimit;
    this.maxWrites = maxWrites;
    this.maxBytes = maxBytes;
  }

  /**
   * One caller's write call: {@code write} is an encoded {@link Request.Write}, or one in a caller envelope.
   * Completes with the reply for that caller; never exceptionally.
   */
  public CompletableFuture<GroupWrite.Reply> submit(byte[] write) {
    GroupWrite.NotLeader elsewhere = log.notLeading();
    if (elsewhere != null) {
      return CompletableFuture.completedFuture(elsewhere);
    }
    GroupWrite.Refused refused = log.refusal(write);
    if (refused != null) {
      return CompletableFuture.completedFuture(refused);
    }
    Set<Bytes> keys;
    try {
      keys = groupableKeys(write);
    } catch (CommandCodecException e) {
      return CompletableFuture.completedFuture(new GroupWrite.Refused(ErrorCode.MALFORMED_REQUEST, e.getMessage()));
    }
    Pending p = new Pending(write, keys, new CompletableFuture<>());
    List<List<Pending>> ready = new ArrayList<>();
    synchronized (this) {
      if (closed) {
        return CompletableFuture.completedFuture(new GroupWrite.NotLeader("", "the node is shutting down"));
      }
      queue.add(p);
      takeGroupsLocked(ready);
    }
    ready.forEach(this::append);
    return p.reply();
  }

  /** The keys of a write made only of single-key writes, or null for one that must go alone. */
  static Set<Bytes> groupableKeys(byte[] write) {
    Request r = RequestCodec.decode(write);
    Request inner = r instanceof Request.AsCaller e ? e.inner() : r;
    if (!(inner instanceof Request.Write w)) {
      throw new CommandCodecException("the write service takes writes, not " + inner.getClass().getSimpleName());
    }
    Set<Bytes> keys = new HashSet<>();
    for (Command c : w.commands()) {
      Bytes key = c.singleKeyWriteKey();
      if (key == null || !keys.add(key)) {
        return null;
      }
    }
    return keys.isEmpty() ? null : keys;
  }

  /** Forms entries while there is room in flight; a group stops before a call it may not hold. */
  private void takeGroupsLocked(List<List<Pending>> ready) {
    while (inFlight < inFlightLimit && !queue.isEmpty()) {
      List<Pending> group = new ArrayList<>();
      Set<Bytes> keys = new HashSet<>();
      int bytes = 0;
      while (!queue.isEmpty() && group.size() < maxWrites) {
        Pending next = queue.peek();
        boolean alone = next.keys() == null;
        if (!group.isEmpty() && (alone || bytes + next.bytes().length > maxBytes
            || next.keys().stream().anyMatch(keys::contains))) {
          break; // stop rather than skip: calls leave the queue in the order they came
        }
        queue.poll();
        group.add(next);
        if (alone) {
          break;
        }
        keys.addAll(next.keys());
        bytes += next.bytes().length + RequestCodec.GROUP_MEMBER_OVERHEAD;
      }
      inFlight++;
      ready.add(group);
    }
  }

  private void append(List<Pending> group) {
    CompletableFuture<byte[]> appended;
    try {
      appended = log.append(group.size() == 1 ? group.get(0).bytes()
          : RequestCodec.group(group.stream().map(Pending::bytes).toList()));
    } catch (RuntimeException e) {
      appended = CompletableFuture.failedFuture(e);
    }
    synchronized (this) {
      entries++;
      calls += group.size();
      if (group.size() > 1) {
        groups++;
        grouped += group.size();
      }
    }
    appended.whenComplete((reply, error) -> {
      try {
        answer(group, reply, error);
      } finally {
        finished();
      }
    });
  }

  private static void answer(List<Pending> group, byte[] reply, Throwable error) {
    if (error != null) {
      Throwable cause = error instanceof java.util.concurrent.CompletionException && error.getCause() != null
          ? error.getCause() : error;
      GroupWrite.Reply all = cause instanceof ReplyException r ? r.reply()
          : new GroupWrite.Unknown("the entry's outcome is unknown: " + cause);
      group.forEach(p -> p.reply().complete(all));
      return;
    }
    try {
      if (group.size() == 1) {
        group.get(0).reply().complete(new GroupWrite.Applied(ResultCodec.decodeResponse(reply)));
        return;
      }
      List<Response> responses = ResultCodec.decodeGroup(reply);
      if (responses.size() != group.size()) {
        throw new CommandCodecException(group.size() + " calls got " + responses.size() + " responses");
      }
      for (int i = 0; i < group.size(); i++) {
        group.get(i).reply().complete(new GroupWrite.Applied(responses.get(i)));
      }
    } catch (CommandCodecException e) {
      // Applied, but the reply cannot be read (an incompatible leader): the caller's retry gets its result.
      group.forEach(p -> p.reply().complete(new GroupWrite.Unknown("unreadable reply: " + e.getMessage())));
    }
  }

  private void finished() {
    List<List<Pending>> ready = new ArrayList<>();
    synchronized (this) {
      inFlight--;
      if (!closed) {
        takeGroupsLocked(ready);
      }
    }
    ready.forEach(this::append);
  }

  /** Answers every queued call (never appended: the caller may send it elsewhere) and takes no more. */
  public void close() {
    List<Pending> dropped;
    synchronized (this) {
      closed = true;
      dropped = new ArrayList<>(queue);
      queue.clear();
    }
    dropped.forEach(p -> p.reply().complete(new GroupWrite.NotLeader("", "the node is shutting down")));
  }

  /** Entries sent to the log so far (a lone call's or a group's), and the calls they carried (metrics). */
  public synchronized long[] entriesAndCalls() {
    return new long[] {entries, calls};
  }

  /** Entries of more than one call so far, and the calls they carried (for tests). */
  public synchronized long[] groupsAndCalls() {
    return new long[] {groups, grouped};
  }
}
