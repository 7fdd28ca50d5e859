package quorumkv.client;

/**
 * How fresh a read must be; chosen per call. Writes always go through the leader and the log.
 *
 * <p>Leader-lease reads (the leader answers from local state while it holds a time-based lease) are not
 * a client option: they are a cluster setting ({@code raft.server.read.leader.lease.enabled}) that makes
 * {@link #LINEARIZABLE} reads cheaper on the server at the price of trusting bounded clock drift and
 * GC pauses.
 */
public enum ReadConsistency {
  /**
   * The default. The read reflects every write that completed before it started, from any client
   * (Raft ReadIndex: the serving node confirms with a majority that the leader is current, then waits
   * until it has applied that index). Costs one round of heartbeats on the leader per batch of reads.
   */
  LINEARIZABLE,

  /**
   * Served by one replica from its applied state, without contacting the leader: cheaper and spreads
   * load, but may miss recent writes by other clients. Session guarantees still hold for this client:
   * the replica waits until it has applied at least the highest index this client has seen (its own
   * writes and earlier reads), so a client reads its own writes and its reads never go back in time,
   * also across a failover.
   */
  FOLLOWER
}
