package quorumkv.server.backup;

/**
 * The backup file, version 3. Big-endian, written and read as a stream:
 *
 * <pre>
 * magic      "QKVBACKUP" (9 bytes ASCII), format version (1 byte) = 3
 * header     cluster id (Java modified-UTF-8 string), revision (i64), applied term (i64),
 *            applied index (i64), created at (i64, ms since the epoch)
 * auth       length (i32), the users, roles and grants (AuthState's encoding)     (not in version 1)
 * entries    per key, in key order: 0x01, key length (i32), key, value length (i32), value,
 *            create revision (i64), mod revision (i64), version (i64)
 * trailer    0x00, entry count (i64), content hash (32 bytes; not in versions 1 and 2),
 *            SHA-256 (32 bytes) of every byte before it
 * </pre>
 *
 * The content hash ({@code ContentHash}) is computed at the backup's revision from the same RocksDB
 * snapshot the entries are written from, over exactly what the file holds (users and roles, keys; no
 * leases, lease-attached keys or sessions): a node restored from the file must compute the same one, which
 * {@code backup verify} checks. The SHA-256 only proves the bytes are the ones written.
 *
 * Version 1 files (no auth section) and version 2 files (no content hash) are still read; version 1
 * restores with {@code AuthState.INITIAL}. The file
 * holds every key and every grant, so it is written with mode 0600.
 *
 * <p>{@code revision} is the revision of the backed-up state: every key's mod revision is at or below it,
 * and a cluster restored from the file writes revisions above it.
 */
public final class BackupFormat {
  static final byte[] MAGIC = {'Q', 'K', 'V', 'B', 'A', 'C', 'K', 'U', 'P'};
  static final int VERSION = 3;
  /** The first version, without the auth section: still readable. */
  static final int VERSION_WITHOUT_AUTH = 1;
  /** The second version, with the auth section but without the content hash: still readable. */
  static final int VERSION_WITHOUT_CONTENT_HASH = 2;
  static final int HASH_BYTES = 32;
  static final int ENTRY = 1;
  static final int END = 0;
  /** Far above the store's limits; a larger length means a corrupt file, not a large key. */
  static final int MAX_FIELD_BYTES = 64 * 1024 * 1024;

  private BackupFormat() {}

  /** What a backup file says about itself. */
  public record Header(String clusterId, long revision, long appliedTerm, long appliedIndex, long createdAtMillis) {}
}
