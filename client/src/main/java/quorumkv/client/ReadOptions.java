package quorumkv.client;

import java.util.Objects;

/**
 * How and where one read is served: its {@link ReadConsistency}, optionally the one replica that must
 * serve it, and optionally a log index it must not be served below. Immutable; start from
 * {@link #linearizable()} or {@link #follower()}, for example
 * {@code client.get(key, ReadOptions.follower().atReplica("n2").atLeastIndex(index))}.
 *
 * <p>The client's own session guarantee always holds on top: a read is never served below the highest
 * index this client has seen ({@link KvClient#lastSeenIndex()}), whatever {@link #minIndex()} says. A
 * replica that has not applied the index yet is asked again, with the client's usual backoff, until it
 * has or the call's deadline runs out ({@link KvUnavailableException}: a read never applies anything).
 *
 * @param consistency {@link ReadConsistency#LINEARIZABLE} (ReadIndex) or {@link ReadConsistency#FOLLOWER}
 *     (the replica's applied state)
 * @param replica the node id (as the servers name themselves, e.g. {@code n1}) of the only replica that may
 *     serve this read, or null to let the client choose (the leader for LINEARIZABLE, one replica it keeps
 *     for FOLLOWER). A LINEARIZABLE read at a follower asks the leader for the read index and then answers
 *     from the follower's own state once it has applied that far. An id that is not a member is retried
 *     until the deadline, as an unreachable member is.
 * @param minIndex the lowest log index the answer may be served at (0: no bound beyond the session's)
 */
public record ReadOptions(ReadConsistency consistency, String replica, long minIndex) {

  private static final ReadOptions LINEARIZABLE = new ReadOptions(ReadConsistency.LINEARIZABLE, null, 0);
  private static final ReadOptions FOLLOWER = new ReadOptions(ReadConsistency.FOLLOWER, null, 0);

  public ReadOptions {
    Objects.requireNonNull(consistency, "consistency");
    if (replica != null && replica.isBlank()) {
      throw new IllegalArgumentException("replica id must not be blank");
    }
    if (minIndex < 0) {
      throw new IllegalArgumentException("minIndex must not be negative, got " + minIndex);
    }
  }

  /** The default: a linearizable read wherever the client sends it (the leader). */
  public static ReadOptions linearizable() {
    return LINEARIZABLE;
  }

  /** A read from one replica's applied state; see {@link ReadConsistency#FOLLOWER}. */
  public static ReadOptions follower() {
    return FOLLOWER;
  }

  /** The options the {@link ReadConsistency} overloads use: that consistency, nothing else. */
  public static ReadOptions of(ReadConsistency consistency) {
    return Objects.requireNonNull(consistency, "consistency") == ReadConsistency.LINEARIZABLE ? LINEARIZABLE
        : FOLLOWER;
  }

  /** These options, served by the replica {@code nodeId} only. */
  public ReadOptions atReplica(String nodeId) {
    return new ReadOptions(consistency, Objects.requireNonNull(nodeId, "nodeId"), minIndex);
  }

  /** These options, never served below log index {@code minIndex}. */
  public ReadOptions atLeastIndex(long minIndex) {
    return new ReadOptions(consistency, replica, minIndex);
  }
}
