package quorumkv.server.status;

/**
 * Ratis's election counters of this node's member, since the member started.
 *
 * @param timeouts times this node's election timer fired (it heard from no leader in time) and it stood
 * @param transfers times this node, as leader, told a follower to start an election (leadership transfer)
 */
public record ElectionCounts(long timeouts, long transfers) {}
