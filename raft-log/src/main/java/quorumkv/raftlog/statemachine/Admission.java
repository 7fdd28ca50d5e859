package quorumkv.raftlog.statemachine;

import java.util.Collection;
import java.util.Set;
import java.util.function.Supplier;
import quorumkv.raftlog.command.CommandCodecException;
import quorumkv.raftlog.command.Request;
import quorumkv.raftlog.command.RequestCodec;
import quorumkv.raftlog.command.RequestLimits;
import quorumkv.raftlog.command.RequestRefusedException;
import quorumkv.raftlog.command.Response;

/**
 * What the leader lets into the log ({@link KvStateMachine#startTransaction}): a write that decodes, keeps
 * the {@link RequestLimits}, and finds enough voters with disk space; alarms and auth changes always (they
 * are small, and how the cluster recovers). A refusal is definite: the request never reaches the log.
 * Authorization is not judged here but when the entry applies, from the replicated users and roles.
 */
final class Admission {
  /** What admission needs to know of the cluster, read at each request. */
  interface Space {
    /** Nodes whose free-space alarm is raised in the applied state. */
    Set<String> alarms();

    /** The voters of the current configuration. */
    Collection<String> voters();

    /** This node's own disk is below its floor. */
    boolean localNoSpace();
  }

  private final RequestLimits limits;
  private final Space space;

  Admission(RequestLimits limits, Space space) {
    this.limits = limits;
    this.space = space;
  }

  /** Null to admit the request in {@code bytes}; otherwise the refusal. */
  RequestRefusedException refusal(byte[] bytes) {
    try {
      if (RequestCodec.kindOf(bytes) == RequestCodec.Kind.GROUP) {
        return groupRefusal(bytes);
      }
      Unwrapped u = Unwrapped.of(bytes);
      Request decoded = u.request();
      if (decoded instanceof Request.Alarm || decoded instanceof Request.AuthUpdate
          || decoded instanceof Request.Compact || decoded instanceof Request.BackupRecord) {
        return null;
      }
      if (!(decoded instanceof Request.Write)) {
        return new RequestRefusedException.InvalidArgumentException("a read request was sent as a write");
      }
      Response.Failed refused = limits.check(decoded, u.size());
      return refused != null ? RequestRefusedException.of(refused.code(), refused.message()) : spaceRefusal();
    } catch (CommandCodecException e) {
      return new RequestRefusedException.MalformedRequestException(e.getMessage());
    }
  }

  /**
   * A node's group of callers' writes: each member within the limits on its own (the node checked them
   * before grouping; this is the leader's own word), then the space rule once. An envelope never carries a
   * group, so a group that came from a non-member arrives wrapped and does not decode.
   */
  private RequestRefusedException groupRefusal(byte[] bytes) {
    for (byte[] member : RequestCodec.groupMembers(bytes)) {
      Unwrapped m = Unwrapped.of(member);
      if (!(m.request() instanceof Request.Write)) {
        return new RequestRefusedException.MalformedRequestException("a group carries writes only");
      }
      Response.Failed refused = limits.check(m.request(), m.size());
      if (refused != null) {
        return RequestRefusedException.of(refused.code(), refused.message());
      }
    }
    return spaceRefusal();
  }

  /**
   * Why this leader must refuse a write before the log because of disk space, or null. Fewer than a
   * majority of voters with space: {@code NO_SPACE}, definite, so clients fail fast instead of waiting
   * for entries that could not commit. This leader alone below its floor: {@code NODE_DEGRADED}, so the
   * client retries while leadership moves to a node with space.
   */
  private RequestRefusedException spaceRefusal() {
    Set<String> alarms = space.alarms();
    if (!alarms.isEmpty()) {
      Collection<String> voters = space.voters();
      long withSpace = voters.stream().filter(v -> !alarms.contains(v)).count();
      if (!voters.isEmpty() && withSpace < voters.size() / 2 + 1) {
        return new RequestRefusedException.NoSpaceException("writes are refused: a majority of voters is below its"
            + " free-space floor (alarms: " + String.join(", ", alarms) + "); reads still work, and writes resume"
            + " by themselves when space returns");
      }
    }
    if (space.localNoSpace()) {
      return new RequestRefusedException.NodeDegradedException("this leader is below its free-space floor and hands"
          + " leadership to a node with space; retry");
    }
    return null;
  }

  /** A {@link Space} read from three suppliers at each request. */
  static Space of(Supplier<Set<String>> alarms, Supplier<Collection<String>> voters, Supplier<Boolean> local) {
    return new Space() {
      public Set<String> alarms() { return alarms.get(); }
      public Collection<String> voters() { return voters.get(); }
      public boolean localNoSpace() { return local.get(); }
    };
  }
}
