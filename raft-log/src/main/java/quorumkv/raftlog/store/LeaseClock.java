package quorumkv.raftlog.store;

/**
 * The time side of leases, which the replicated state leaves out: told on the apply thread, after each
 * commit, which leases were renewed (granted or kept alive) and which ended, so the leader can keep a
 * deadline per lease on its own clock and propose expiries through the log. Must be cheap and must not
 * throw.
 */
public interface LeaseClock {
  void renewed(LeaseRecord lease);

  void ended(long id);

  /** This node's estimate of the time left before {@code lease} expires, for time-to-live reads. */
  long remainingMillis(LeaseRecord lease);

  /** No clock: a time-to-live read reports the whole TTL. */
  LeaseClock NONE = new LeaseClock() {
    @Override public void renewed(LeaseRecord lease) {}
    @Override public void ended(long id) {}
    @Override public long remainingMillis(LeaseRecord lease) { return lease.ttlMillis(); }
  };
}
