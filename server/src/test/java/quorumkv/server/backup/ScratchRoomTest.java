package quorumkv.server.backup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * Review of issue 15 (A4): the verification restored into a scratch directory in the data dir without looking
 * at free space, so a drill could push the leader below its free-space floor (it then degrades because of its
 * own backup). It now runs only where it has the room, and never eats into the data dir's floor.
 */
class ScratchRoomTest {
  private static final long MIB = 1024 * 1024;
  private static final Path SCRATCH = Path.of("/backups/.verify-scratch");
  private static final Path DATA = Path.of("/var/lib/quorumkv");

  private static ScratchRoom.Disks disks(long freeBytes, boolean sameFileSystem) {
    return new ScratchRoom.Disks() {
      @Override
      public long usableBytes(Path dir) {
        return freeBytes;
      }

      @Override
      public boolean sameFileSystem(Path a, Path b) {
        return sameFileSystem;
      }
    };
  }

  @Test
  void aDrillNeedsTwiceTheBackupAndAMargin() throws IOException {
    assertEquals(2 * 100 * MIB + 64 * MIB, ScratchRoom.needed(100 * MIB));
    assertNull(ScratchRoom.problem(SCRATCH, 100 * MIB, DATA, 500 * MIB, disks(264 * MIB, false)));
    String problem = ScratchRoom.problem(SCRATCH, 100 * MIB, DATA, 500 * MIB, disks(263 * MIB, false));
    assertTrue(problem != null && problem.contains("has 263 MiB free") && problem.contains("needs 264 MiB"), problem);
  }

  @Test
  void onTheDataDirsFileSystemItLeavesTheFloor() throws IOException {
    long floor = 500 * MIB;
    assertNull(ScratchRoom.problem(SCRATCH, 100 * MIB, DATA, floor, disks(264 * MIB + floor, true)));
    String problem = ScratchRoom.problem(SCRATCH, 100 * MIB, DATA, floor, disks(264 * MIB + floor - 1, true));
    assertTrue(problem != null && problem.contains("below the data dir's free-space floor of 500 MiB"), problem);
    assertNull(ScratchRoom.problem(SCRATCH, 100 * MIB, null, floor, disks(264 * MIB, true)),
        "without a data dir (backup verify) only the drill's own need counts");
  }
}
