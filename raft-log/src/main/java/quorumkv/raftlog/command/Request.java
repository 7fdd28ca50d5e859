package quorumkv.raftlog.command;

import java.util.List;
import java.util.UUID;

/** What a client sends: one Raft message, carrying one or more commands. */
public sealed interface Request {

  List<Command> commands();

  /**
   * Commands that go through the Raft log, in one entry.
   *
   * <p>Exactly-once: a client session ({@code sessionId}) numbers its calls; the replicated state keeps,
   * per session, the result of every call at or above {@code firstUnackedCallId} (the lowest call id
   * whose reply the client has not yet received), so a call retried after a failover, a snapshot install
   * or a full restart gets the recorded result instead of applying again (Raft dissertation, section
   * 6.3). {@code callId == 0} opts out of deduplication.
   */
  record Write(UUID sessionId, long callId, long firstUnackedCallId, List<Command> commands) implements Request {
    public Write {
      commands = List.copyOf(commands);
    }

    /** A write without a session: not deduplicated on retry. */
    public static Write unsessioned(List<Command> commands) {
      return new Write(new UUID(0, 0), 0, 0, commands);
    }
  }

  /** Read-only commands, served by the state machine's query path without a log entry. */
  record Read(List<Command> commands) implements Request {
    public Read {
      commands = List.copyOf(commands);
    }
  }

  /**
   * A node's free-space alarm, raised when its disk falls below its floor and cleared when space returns.
   * It goes through the log so that every replica, and so every future leader, knows which voters are
   * out of space: a leader refuses writes ({@link ErrorCode#NO_SPACE}) once fewer than a majority of
   * voters have space. Idempotent, so it carries no session. Carries no commands.
   */
  record Alarm(String nodeId, boolean raised) implements Request {
    /** A node id is short and printable; more is not an id. */
    public static final int MAX_NODE_ID_BYTES = 128;

    public Alarm {
      if (nodeId == null || nodeId.isEmpty()) {
        throw new IllegalArgumentException("an alarm names a node");
      }
    }

    @Override
    public List<Command> commands() {
      return List.of();
    }
  }

  /**
   * Drops the change history below {@code revision} (see the store's history): proposed by the leader's
   * compactor so that every replica compacts at the same entry. Members only; idempotent (a revision at
   * or below the current start changes nothing), so it carries no session.
   */
  record Compact(long revision) implements Request {
    public Compact {
      if (revision < 1) {
        throw new IllegalArgumentException("compaction to revision " + revision + ": revisions start at 1");
      }
    }

    @Override
    public List<Command> commands() {
      return List.of();
    }
  }

  /**
   * A scheduled backup's progress, proposed by the leader that took it: {@link Outcome#WRITTEN} once the
   * file of interval {@code slot} is durably in place (the cluster then regards the slot as done, so a
   * new leader does not take it again), then {@link Outcome#VERIFIED} or {@link Outcome#VERIFY_FAILED}
   * once a scratch node restored from the file recomputed its content hash. Every replica keeps the
   * latest record of each outcome, so every node reports the cluster's backups. Members only; idempotent
   * (the same record again changes nothing), so it carries no session.
   *
   * <p>{@code incarnation} names this cluster's backup files apart from those of any other cluster with the
   * same id writing into the same directory (a cluster restored from a backup, a cluster made again from
   * scratch): random, minted by the first leader that takes a backup and kept by the replicated record
   * from the first one committed. 0 in records written before it existed.
   */
  record BackupRecord(Outcome outcome, long slot, long revision, long sizeBytes, long createdAtMillis,
      long incarnation) implements Request {
    /** What happened to the backup of one slot. */
    public enum Outcome { WRITTEN, VERIFIED, VERIFY_FAILED }

    /** A record without an incarnation (as written before incarnations existed). */
    public BackupRecord(Outcome outcome, long slot, long revision, long sizeBytes, long createdAtMillis) {
      this(outcome, slot, revision, sizeBytes, createdAtMillis, 0);
    }

    public BackupRecord {
      if (outcome == null || slot < 0 || revision < 0 || sizeBytes < 0 || createdAtMillis < 0) {
        throw new IllegalArgumentException("a backup record has an outcome and no negative slot, revision, size or time");
      }
    }

    @Override
    public List<Command> commands() {
      return List.of();
    }
  }

  /** A change to the replicated users and roles; admins only. Idempotent, so it carries no session. */
  record AuthUpdate(AuthChange change) implements Request {
    public AuthUpdate {
      if (change == null) {
        throw new IllegalArgumentException("an auth update carries a change");
      }
    }

    @Override
    public List<Command> commands() {
      return List.of();
    }
  }

  /** Reads the replicated users and roles (served by the query path); admins only. */
  record AuthRead() implements Request {
    @Override
    public List<Command> commands() {
      return List.of();
    }
  }

  /**
   * A request sent on behalf of {@code caller}: the node that received it from a non-member wraps it (on
   * the Raft port) or sends it so (for an HTTP caller). A non-member's own request of this kind is refused
   * by the node before Ratis sees it, so only nodes vouch for callers. {@code inner} is a write, a read or
   * an auth request, never an alarm or another envelope.
   */
  record AsCaller(Caller caller, Request inner) implements Request {
    public AsCaller {
      if (caller == null || inner == null) {
        throw new IllegalArgumentException("an envelope names a caller and carries a request");
      }
      if (inner instanceof AsCaller || inner instanceof Alarm || inner instanceof Compact || inner instanceof BackupRecord
          || inner instanceof Group) {
        throw new IllegalArgumentException("an envelope carries a write, a read or an auth request");
      }
    }

    @Override
    public List<Command> commands() {
      return inner.commands();
    }
  }

  /**
   * Writes of independent callers that the node which received them combined into one log entry (server-side
   * group commit): one append, one replication round and one apply serve them all. Each member is a
   * {@link Write} with its own session and call id, deduplicated per caller exactly as if it had its own
   * entry, or such a write in an {@link AsCaller} envelope, authorized against its own caller. Only a node
   * sends a group (a non-member's group arrives in an envelope, and an envelope never carries a group), so
   * only nodes vouch for the callers named inside. The node never puts two members writing one key in a
   * group (every member shares the entry's revision), and puts only writes that were all pending at once,
   * so any order of them is a valid linearization; they apply in the group's order.
   */
  record Group(List<Request> members) implements Request {
    public Group {
      members = List.copyOf(members);
      if (members.isEmpty()) {
        throw new IllegalArgumentException("a group carries at least one write");
      }
      for (Request m : members) {
        Request inner = m instanceof AsCaller e ? e.inner() : m;
        if (!(inner instanceof Write)) {
          throw new IllegalArgumentException("a group carries writes, not " + m.getClass().getSimpleName());
        }
      }
    }

    /** Every member's commands, in order. */
    @Override
    public List<Command> commands() {
      return members.stream().flatMap(m -> m.commands().stream()).toList();
    }
  }
}
