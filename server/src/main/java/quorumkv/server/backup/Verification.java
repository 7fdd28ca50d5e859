package quorumkv.server.backup;

/**
 * What verifying one backup file found (a DR drill: restore into a scratch node, recompute the content
 * hash there, compare with the recorded one). It describes the file the drill read, which is what it
 * proved: not necessarily the file a writer put under that name earlier (a retake may have replaced it).
 *
 * @param ok the file is whole and the restored node computed the recorded content hash
 * @param revision the revision R of the backup the drill read (0 if the file could not be read)
 * @param keys keys in the backup
 * @param contentHash the recorded content hash in hex (empty if the file could not be read)
 * @param createdAtMillis when the backup the drill read was made (its header; 0 if it could not be read)
 * @param sizeBytes the size of the file the drill read (0 if it could not be read)
 * @param problem why it failed; null when {@code ok}
 * @param millis how long the verification took
 */
public record Verification(boolean ok, String clusterId, long revision, long keys, String contentHash,
    long createdAtMillis, long sizeBytes, String problem, long millis) {
  public static Verification failed(String problem, long millis) {
    return new Verification(false, "", 0, 0, "", 0, 0, problem, millis);
  }
}
