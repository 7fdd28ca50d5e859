package quorumkv.server.backup;

/**
 * The backup file, version 2. Big-endian, written and read as a stream:
 *
 * <pre>
 * magic      "QKVBACKUP" (9 bytes ASCII), format version (1 byte) = 2
 * header     cluster id (Java modified-UTF-8 string), revision (i64), applied term (i64),
 *            applied index (i64), created at (i64, ms since the epoch)
 * auth       length (i32), the users, roles and grants (AuthState's encoding)     (not in version 1)
 * entries    per key, in key order: 0x01, key length (i32), key, value length (i32), value,
 *            create revision (i64), mod revision (i64), version (i64)
 * trailer    0x00, entry count (i64), SHA-256 (32 bytes) of every byte before the digest
 * </pre>
 *
 * Version 1 files (no auth section) are still read; they restore with {@code AuthState.INITIAL}. The file
 * holds every key and every grant, so it is written with mode 0600.
 *
 * <p>{@code revision} is the revision of the backed-up state: every key's mod revision is at or below it,
 * and a cluster restored from the file writes revisions above it.
 */
public final class BackupFormat {
  static final byte[] MAGIC = {'Q', 'K', 'V', 'B', 'A', 'C', 'K', 'U', 'P'};
  static final int VERSION = 2;
  /** The first version, without the auth section: still readable. */
  static final int VERSION_WITHOUT_AUTH = 1;
  static final int ENTRY = 1;
  static final int END = 0;
  /** Far above the store's limits; a larger length means a corrupt file, not a large key. */
  static final int MAX_FIELD_BYTES = 64 * 1024 * 1024;

  private BackupFormat() {}

  /** What a backup file says about itself. */
  public record Header(String clusterId, long revision, long appliedTerm, long appliedIndex, long createdAtMillis) {}
}
