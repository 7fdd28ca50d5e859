package quorumkv.server.backup;

/**
 * The scheduled backups as one node reports them (its metrics): the newest good backup from the replicated
 * record as far as this node applied it, and this node's own failed attempts (only the leader writes).
 *
 * @param lastSuccessEpochSeconds creation time of the newest backup that was written and verified; 0 for none
 * @param lastSizeBytes that backup's file size
 * @param lastRevision that backup's revision
 * @param intervalSeconds the configured interval; 0 when scheduled backups are off
 * @param lastVerifyOk false when the newest verification outcome is a failure (or it could not run)
 * @param failures scheduled attempts this node made that failed to write or to verify
 * @param verifySkipped verifications this node did not run for want of room in the scratch directory (each
 *     also a failure, and recorded as a failed verification)
 */
public record BackupStatus(long lastSuccessEpochSeconds, long lastSizeBytes, long lastRevision, long intervalSeconds,
    boolean lastVerifyOk, long failures, long verifySkipped) {}
