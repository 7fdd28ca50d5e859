package quorumkv.server.status;

/**
 * Ratis's election counters of this node's member, since the member started.
 *
 * @param member which member instance counted them, compared by identity: the self-check's restart of the
 *     member makes a new one whose counters start again at 0 (Ratis's metric registry of the member)
 * @param timeouts times this node's election timer fired (it heard from no leader in time) and it stood
 * @param transfers times this node, as leader, told a follower to start an election (leadership transfer)
 */
public record ElectionCounts(Object member, long timeouts, long transfers) {}
