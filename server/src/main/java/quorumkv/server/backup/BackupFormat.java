package quorumkv.server.backup;

/**
 * The backup file, version 1. Big-endian, written and read as a stream:
 *
 * <pre>
 * magic      "QKVBACKUP" (9 bytes ASCII), format version (1 byte) = 1
 * header     cluster id (Java modified-UTF-8 string), revision (i64), applied term (i64),
 *            applied index (i64), created at (i64, ms since the epoch)
 * entries    per key, in key order: 0x01, key length (i32), key, value length (i32), value,
 *            create revision (i64), mod revision (i64), version (i64)
 * trailer    0x00, entry count (i64), SHA-256 (32 bytes) of every byte before the digest
 * </pre>
 *
 * {@code revision} is the revision of the backed-up state: every key's mod revision is at or below it,
 * and a cluster restored from the file writes revisions above it.
 */
public final class BackupFormat {
  static final byte[] MAGIC = {'Q', 'K', 'V', 'B', 'A', 'C', 'K', 'U', 'P'};
  static final int VERSION = 1;
  static final int ENTRY = 1;
  static final int END = 0;
  /** Far above the store's limits; a larger length means a corrupt file, not a large key. */
  static final int MAX_FIELD_BYTES = 64 * 1024 * 1024;

  private BackupFormat() {}

  /** What a backup file says about itself. */
  public record Header(String clusterId, long revision, long appliedTerm, long appliedIndex, long createdAtMillis) {}
}
