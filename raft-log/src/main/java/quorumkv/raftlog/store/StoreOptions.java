package quorumkv.raftlog.store;

import quorumkv.raftlog.command.RequestLimits;

/**
 * Settings of the RocksDB store that affect applied results; every replica of a cluster must use the
 * same values, or replicas could compute different results for the same entry.
 *
 * @param maxRangeLimit most keys one range returns (a range with limit 0 uses this)
 * @param sessionTtlEntries a client session idle for this many log entries is expired deterministically
 *     (by log position, not time, so every replica expires it at the same entry). Default one million:
 *     far longer than any call's retry window at any realistic write rate, and it bounds the memory of
 *     clients that vanished.
 * @param maxLeases most leases the cluster holds at once; a grant beyond it fails with {@code LEASE_LIMIT}
 *     (default 100,000: the leader keeps a deadline per lease in memory)
 */
public record StoreOptions(int maxRangeLimit, long sessionTtlEntries, long maxLeases) {
  public static final long DEFAULT_SESSION_TTL_ENTRIES = 1_000_000;
  public static final long DEFAULT_MAX_LEASES = 100_000;
  public static final StoreOptions DEFAULTS =
      new StoreOptions(RequestLimits.DEFAULT_MAX_RANGE_LIMIT, DEFAULT_SESSION_TTL_ENTRIES);

  public StoreOptions {
    if (maxRangeLimit < 1 || sessionTtlEntries < 1 || maxLeases < 1) {
      throw new IllegalArgumentException("store options must be positive: " + maxRangeLimit + ", " + sessionTtlEntries
          + ", " + maxLeases);
    }
  }

  public StoreOptions(int maxRangeLimit, long sessionTtlEntries) {
    this(maxRangeLimit, sessionTtlEntries, DEFAULT_MAX_LEASES);
  }
}
