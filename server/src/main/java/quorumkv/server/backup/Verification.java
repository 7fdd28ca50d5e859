package quorumkv.server.backup;

/**
 * What verifying one backup file found (a DR drill: restore into a scratch node, recompute the content
 * hash there, compare with the recorded one).
 *
 * @param ok the file is whole and the restored node computed the recorded content hash
 * @param revision the backup's revision R (0 if the file could not be read)
 * @param keys keys in the backup
 * @param contentHash the recorded content hash in hex (empty if the file could not be read)
 * @param problem why it failed; null when {@code ok}
 * @param millis how long the verification took
 */
public record Verification(boolean ok, String clusterId, long revision, long keys, String contentHash,
    String problem, long millis) {
  public static Verification failed(String problem, long millis) {
    return new Verification(false, "", 0, 0, "", problem, millis);
  }
}
