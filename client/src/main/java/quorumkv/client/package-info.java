/**
 * The QuorumKV client library: {@link quorumkv.client.KvClient} (blocking, with an
 * {@link quorumkv.client.AsyncKvClient async} facet), its {@link quorumkv.client.KvClientConfig
 * configuration}, typed {@link quorumkv.client.KvResult results} carrying the log index they were served
 * at, and exceptions that say whether a failed operation could have applied. Writes are acknowledged
 * on a quorum of voters unless a {@link quorumkv.client.KvClient#withDurability view} asks for
 * {@link quorumkv.client.Durability#ALL}; {@link quorumkv.client.KvClient#admin()} reads the cluster status
 * and changes membership ({@link quorumkv.client.KvAdmin}). Keys and values are
 * {@link quorumkv.raftlog.command.Bytes}; String overloads use UTF-8. Everything under
 * {@code quorumkv.client.internal} may change without notice.
 *
 * <p>May import: the JDK and {@code quorumkv.raftlog.command} (keys, commands, limits, error codes) only;
 * never {@code quorumkv.client.internal} (see {@code quorumkv.client.connect}) nor Ratis.
 */
package quorumkv.client;
