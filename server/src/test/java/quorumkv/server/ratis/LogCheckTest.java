package quorumkv.server.ratis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.ratis.proto.RaftProtos.LogEntryProto;
import org.apache.ratis.proto.RaftProtos.MetadataProto;
import org.apache.ratis.server.raftlog.segmented.SegmentedRaftLogOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import quorumkv.server.config.ConfigException;

/**
 * The start-up log check on segments written by Ratis's own writer. A closed segment ({@code log_S-E}) was
 * complete when Ratis rolled it; one that ends before E lost entries (Ratis would load it short, with a
 * WARN, and leave a gap before the next segment). Only the open segment's last entry may be cut
 * short (a write torn by a crash, never acknowledged).
 */
class LogCheckTest {
  @TempDir
  Path groupDir;

  private Path current() throws IOException {
    return Files.createDirectories(groupDir.resolve("current"));
  }

  /** Writes entries first..last (term 1) with Ratis's segment writer into {@code name}; returns the file. */
  private Path segment(String name, long first, long last) throws IOException {
    Path file = current().resolve(name);
    try (SegmentedRaftLogOutputStream out = new SegmentedRaftLogOutputStream(file.toFile(), false, 8L << 20, 4096,
        ByteBuffer.allocateDirect(64 * 1024))) {
      for (long i = first; i <= last; i++) {
        out.write(LogEntryProto.newBuilder().setTerm(1).setIndex(i)
            .setMetadataEntry(MetadataProto.newBuilder().setCommitIndex(i - 1)).build());
      }
    }
    return file;
  }

  /** The size of a segment file holding entries first..last, to cut another file inside entry last + 1. */
  private long sizeOf(long first, long last) throws IOException {
    Path probe = segment("log_probe", first, last);
    long size = dataEnd(probe);
    Files.delete(probe);
    return size;
  }

  /** The end of the written entries (the writer may pad the file with zeros beyond it). */
  private static long dataEnd(Path file) throws IOException {
    byte[] bytes = Files.readAllBytes(file);
    int end = bytes.length;
    while (end > 0 && bytes[end - 1] == 0) {
      end--;
    }
    return end;
  }

  private static void cut(Path file, long size) throws IOException {
    try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
      f.setLength(size);
    }
  }

  @Test
  void anIntactLogPassesAndReportsItsLastEntry() throws IOException {
    segment("log_1-10", 1, 10);
    segment("log_inprogress_11", 11, 15);
    assertEquals(15, LogCheck.verify(groupDir, "n1"));
  }

  @Test
  void theOpenSegmentsLastEntryCutShortIsATornWriteNotDamage() throws IOException {
    segment("log_1-10", 1, 10);
    Path open = segment("log_inprogress_11", 11, 15);
    cut(open, sizeOf(11, 14) + 5);
    assertEquals(14, LogCheck.verify(groupDir, "n1"));
  }

  @Test
  void aClosedSegmentCutMidEntryIsRefusedInOneLine() throws IOException {
    Path closed = segment("log_1-10", 1, 10);
    long nine = sizeOf(1, 9);
    assertTrue(dataEnd(closed) > nine + 5, "the cut lands inside entry 10");
    cut(closed, nine + 5);
    segment("log_inprogress_11", 11, 15);
    assertRefused(closed, 9);
  }

  @Test
  void aClosedSegmentCutAtAnEntryBoundaryIsRefused() throws IOException {
    Path closed = segment("log_1-10", 1, 10);
    cut(closed, sizeOf(1, 7));
    segment("log_inprogress_11", 11, 15);
    assertRefused(closed, 7);
  }

  @Test
  void theLastClosedSegmentCutShortIsRefusedToo() throws IOException {
    segment("log_1-10", 1, 10);
    Path closed = segment("log_11-20", 11, 20);
    cut(closed, sizeOf(11, 16));
    assertRefused(closed, 16);
  }

  private void assertRefused(Path segment, long lastGood) {
    ConfigException e = assertThrows(ConfigException.class, () -> LogCheck.verify(groupDir, "n1"));
    String m = e.getMessage();
    assertFalse(m.contains("\n"), m);
    assertTrue(m.contains(segment.toString()) && m.contains("after entry " + lastGood), m);
    assertTrue(m.contains("quorumkv repair --data-dir"), m);
  }
}
