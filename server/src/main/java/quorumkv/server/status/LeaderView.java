package quorumkv.server.status;

/**
 * The term and leader a node sees at one moment: what the metrics sampler records (elections,
 * leaderless intervals).
 *
 * @param leaderId the leader this node knows, or null
 */
public record LeaderView(long term, String leaderId) {}
