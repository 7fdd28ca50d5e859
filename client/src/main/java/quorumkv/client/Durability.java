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
   * Acknowledged once every voter of the current configuration has the entry and knows it committed
   * (Ratis watch at {@code ALL_COMMITTED}), so the write survives the loss of all voters but one. Costs
   * about one heartbeat interval more per write. With a voter down or slow the write still commits on a
   * quorum, but the call cannot confirm full replication before its deadline and ends with
   * {@link KvReplicationIncompleteException}: the write IS applied, and the exception carries its result.
   */
  ALL
}
