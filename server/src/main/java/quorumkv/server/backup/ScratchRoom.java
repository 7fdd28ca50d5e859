package quorumkv.server.backup;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Whether a backup verification has room to restore a backup into a scratch directory: checked before the
 * drill starts, so a drill never fills a disk. It needs {@link #needed} bytes free there (the restored
 * RocksDB, its write-ahead log and compactions, the scratch node's Raft log segment); on the data dir's file
 * system it must also leave the data dir's free-space floor, or the node would degrade because of its own
 * backup.
 */
public final class ScratchRoom {
  /** Beyond twice the backup: the scratch node's Raft log segment, RocksDB's own files, its certificates. */
  static final long MARGIN_BYTES = 64L * 1024 * 1024;
  private static final long MIB = 1024 * 1024;

  /** Free space and file systems, as the drill sees them (tests give their own). */
  public interface Disks {
    long usableBytes(Path dir) throws IOException;

    boolean sameFileSystem(Path a, Path b) throws IOException;

    Disks LOCAL = new Disks() {
      @Override
      public long usableBytes(Path dir) throws IOException {
        return Files.getFileStore(dir).getUsableSpace();
      }

      @Override
      public boolean sameFileSystem(Path a, Path b) throws IOException {
        return Files.getFileStore(a).equals(Files.getFileStore(b));
      }
    };
  }

  private ScratchRoom() {}

  /** Bytes a verification of a backup of {@code backupBytes} needs free in its scratch directory. */
  public static long needed(long backupBytes) {
    return 2 * backupBytes + MARGIN_BYTES;
  }

  /**
   * Why a verification of a backup of {@code backupBytes} must not run in {@code scratchParent} (an existing
   * directory); null when it may. {@code dataDir} (null for none, as for {@code backup verify}) keeps
   * {@code dataFloorBytes} free when it shares the file system.
   */
  public static String problem(Path scratchParent, long backupBytes, Path dataDir, long dataFloorBytes, Disks disks)
      throws IOException {
    long free = disks.usableBytes(scratchParent);
    long needed = needed(backupBytes);
    if (free < needed) {
      return "the scratch directory " + scratchParent + " has " + mib(free) + " free; restoring the backup there needs "
          + mib(needed);
    }
    if (dataDir != null && disks.sameFileSystem(scratchParent, dataDir) && free - needed < dataFloorBytes) {
      return "the scratch directory " + scratchParent + " is on the data dir's file system, and restoring the backup"
          + " there (" + mib(needed) + ") would leave " + mib(free - needed) + " free, below the data dir's free-space"
          + " floor of " + mib(dataFloorBytes);
    }
    return null;
  }

  private static String mib(long bytes) {
    return bytes / MIB + " MiB";
  }
}
