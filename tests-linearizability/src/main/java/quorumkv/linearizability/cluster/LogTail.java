package quorumkv.linearizability.cluster;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.apache.ratis.server.RaftServerConfigKeys.Log.CorruptionPolicy;
import org.apache.ratis.server.raftlog.segmented.LogSegment;
import org.apache.ratis.server.raftlog.segmented.LogSegmentPath;
import org.apache.ratis.server.raftlog.segmented.SegmentedRaftLogFormat;
import org.apache.ratis.thirdparty.com.google.protobuf.CodedOutputStream;
import org.apache.ratis.util.SizeInBytes;

/**
 * Cuts the end off the newest Raft log segment of a stopped node ({@code DAMAGED_TAIL}): a disk that lost
 * the last writes, or a torn write. Entries are located with Ratis's own segment reader and its record
 * layout (header, then per entry a varint length, the entry, a 4-byte checksum), so a cut can fall
 * mid-entry or exactly at an entry boundary.
 */
final class LogTail {
  private static final SizeInBytes MAX_ENTRY = SizeInBytes.valueOf("64MB");
  /** At most this many entries are cut. */
  private static final int MAX_CUT_ENTRIES = 8;

  private LogTail() {}

  /**
   * Truncates the newest segment that holds entries under {@code dataDir}: the last 1..8 entries go, the
   * cut falling at an entry boundary one time in three, else inside the first entry cut. Returns what was cut.
   */
  static String cut(Path dataDir, Random random) throws IOException {
    List<LogSegmentPath> segments = segments(dataDir.resolve("raft"));
    for (int s = segments.size() - 1; s >= 0; s--) {
      LogSegmentPath segment = segments.get(s);
      List<long[]> entries = entries(segment);   // {index, offset, length}
      if (entries.isEmpty()) {
        continue;
      }
      int cutEntries = 1 + random.nextInt(Math.min(MAX_CUT_ENTRIES, entries.size()));
      long[] first = entries.get(entries.size() - cutEntries);
      boolean boundary = random.nextInt(3) == 0;
      long at = boundary ? first[1] : first[1] + 1 + random.nextInt((int) first[2] - 1);
      long size;
      try (FileChannel ch = FileChannel.open(segment.getPath(), StandardOpenOption.WRITE)) {
        size = ch.size();
        ch.truncate(at);
        ch.force(true);
      }
      long last = entries.get(entries.size() - 1)[0];
      return "cut " + segment.getPath().getFileName() + " at byte " + at + " of " + size + " ("
          + (boundary ? "at the start of entry " + first[0] : "inside entry " + first[0]) + "; entries " + first[0]
          + ".." + last + " gone)";
    }
    throw new IOException("no Raft log segment with entries under " + dataDir);
  }

  /** The entries of one segment as {index, byte offset, record length}, in order. */
  private static List<long[]> entries(LogSegmentPath segment) throws IOException {
    List<long[]> entries = new ArrayList<>();
    long[] offset = {SegmentedRaftLogFormat.getHeaderLength()};
    LogSegment.readSegmentFile(segment.getPath().toFile(), segment.getStartEnd(), MAX_ENTRY, CorruptionPolicy.EXCEPTION,
        null, entry -> {
          int size = entry.getSerializedSize();
          long length = CodedOutputStream.computeUInt32SizeNoTag(size) + size + 4L;
          entries.add(new long[] {entry.getIndex(), offset[0], length});
          offset[0] += length;
        });
    // The layout check: the entries end exactly where the segment's data does (zero padding, or the file end).
    byte[] bytes = Files.readAllBytes(segment.getPath());
    if (offset[0] > bytes.length || (offset[0] < bytes.length && bytes[(int) offset[0]] != 0)) {
      throw new IOException("the entries of " + segment.getPath() + " do not end at byte " + offset[0]
          + " as the record layout says: Ratis's segment format changed?");
    }
    return entries;
  }

  private static List<LogSegmentPath> segments(Path raftDir) throws IOException {
    if (!Files.isDirectory(raftDir)) {
      return List.of();
    }
    try (Stream<Path> files = Files.walk(raftDir)) {
      return files.map(LogSegmentPath::matchLogSegment).filter(java.util.Objects::nonNull)
          .sorted(Comparator.comparing(LogSegmentPath::getStartEnd)).toList();
    }
  }
}
