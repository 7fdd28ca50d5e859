package quorumkv.server.status;

/**
 * The term and leader a node sees at one moment, cheaper to read than a {@link NodeStatus} (the lease
 * expirer checks its term with it; the metrics sampler reads the whole status).
 *
 * @param leaderId the leader this node knows, or null
 */
public record LeaderView(long term, String leaderId) {}
