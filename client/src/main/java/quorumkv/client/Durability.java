package quorumkv.client;

/**
 * When a write is acknowledged; chosen per client view with {@link KvClient#withDurability}. Reads are
 * unaffected. Listeners (non-voting asynchronous followers) never count in either mode.
 */
public enum Durability {
  /**
   * The default: acknowledged once the write's log entry is fsynced on a majority of voters and
   * committed. Survives the loss of any minority of voters without losing the write.
   */
  QUORUM,

  /**
   * Acknowledged once the write is committed on a quorum and every voter of the current configuration
   * has its entry fsynced in its log (Ratis watch at {@code ALL}), so the write survives the loss of all
   * voters but one: any future leader has every committed entry. Not {@code ALL_COMMITTED} (every voter
   * also knows it is committed): followers learn the commit index only with the next append or
   * heartbeat, which made each ALL write wait about a heartbeat interval (157 ms here) once Ratis no
   * longer appends a metadata entry per commit. With a voter down or slow the write still commits on a
   * quorum, but the call cannot confirm full replication before its deadline and ends with
   * {@link KvReplicationIncompleteException}: the write IS applied, and the exception carries its result.
   */
  ALL
}
