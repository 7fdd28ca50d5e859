package quorumkv.raftlog.store;

/**
 * One lease as the replicated state holds it.
 *
 * @param renewedAt the revision of its grant or last keep-alive: an expiry names it, and applies only if
 *     the lease was not renewed since
 * @param owner the user that granted it; empty for a member node or a plaintext client
 */
public record LeaseRecord(long id, long ttlMillis, long renewedAt, String owner) {}
