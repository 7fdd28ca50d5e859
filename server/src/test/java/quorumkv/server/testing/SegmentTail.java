package quorumkv.server.testing;

import java.io.IOException;
import java.nio.ByteBuffer;
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
import org.apache.ratis.thirdparty.com.google.protobuf.CodedOutputStream;
import org.apache.ratis.util.SizeInBytes;

/**
 * The tail of a node's newest Raft log segment, found with Ratis's own reader, and the damage a crash or
 * a bad disk does to it. Ratis writes a segment as an 8-byte header ("RaftLog1"), then per entry a varint
 * length, the entry and a 4-byte checksum, then zero padding; so where each entry starts follows from the
 * serialized sizes, and cutting at an entry boundary needs no guess at the padding.
 */
public final class SegmentTail {
  private static final int HEADER_BYTES = 8;
  private static final int CHECKSUM_BYTES = 4;

  /** The damage done to the tail of the newest segment that holds entries. */
  public enum Damage {
    /** The last entry cut short (a torn write). */
    CUT_MID_ENTRY,
    /** The last entry gone whole (the file ends where it started). */
    CUT_AT_ENTRY_BOUNDARY,
    /** Random bytes right after the last entry. */
    GARBAGE_APPENDED,
    /** A byte flipped inside the last entry (its checksum no longer matches). */
    FLIP_BYTES_IN_LAST_ENTRY
  }

  private final Path segment;
  private final long lastEntryStart;
  private final long dataEnd;
  private final long lastIndex;

  private SegmentTail(Path segment, long lastEntryStart, long dataEnd, long lastIndex) {
    this.segment = segment;
    this.lastEntryStart = lastEntryStart;
    this.dataEnd = dataEnd;
    this.lastIndex = lastIndex;
  }

  /** The tail of the newest segment under {@code raftDir} that holds at least one entry. */
  public static SegmentTail newest(Path raftDir) throws IOException {
    List<LogSegmentPath> segments = new ArrayList<>();
    try (Stream<Path> files = Files.walk(raftDir)) {
      files.map(LogSegmentPath::matchLogSegment).filter(s -> s != null).forEach(segments::add);
    }
    segments.sort(Comparator.comparing(LogSegmentPath::getStartEnd).reversed());
    for (LogSegmentPath s : segments) {
      SegmentTail tail = read(s);
      if (tail != null) {
        return tail;
      }
    }
    throw new IOException("no log segment with entries under " + raftDir);
  }

  private static SegmentTail read(LogSegmentPath s) throws IOException {
    long[] position = {HEADER_BYTES};
    long[] last = {-1, -1};
    LogSegment.readSegmentFile(s.getPath().toFile(), s.getStartEnd(), SizeInBytes.valueOf("64MB"),
        CorruptionPolicy.EXCEPTION, null, entry -> {
          int size = entry.getSerializedSize();
          last[0] = position[0];
          last[1] = entry.getIndex();
          position[0] += CodedOutputStream.computeUInt32SizeNoTag(size) + size + CHECKSUM_BYTES;
        });
    return last[1] < 0 ? null : new SegmentTail(s.getPath(), last[0], position[0], last[1]);
  }

  public Path segment() {
    return segment;
  }

  /** The index of the last entry before the damage. */
  public long lastIndex() {
    return lastIndex;
  }

  /** Damages the tail; a seeded random makes the garbage the same on every run. */
  public void damage(Damage damage) throws IOException {
    try (FileChannel ch = FileChannel.open(segment, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      switch (damage) {
        case CUT_MID_ENTRY -> ch.truncate(lastEntryStart + (dataEnd - lastEntryStart) / 2);
        case CUT_AT_ENTRY_BOUNDARY -> ch.truncate(lastEntryStart);
        case GARBAGE_APPENDED -> {
          byte[] garbage = new byte[256];
          new Random(12).nextBytes(garbage);
          garbage[0] = 0x7F; // not a zero: a zero byte reads as the end of the segment
          ch.truncate(dataEnd);
          ch.write(ByteBuffer.wrap(garbage), dataEnd);
        }
        case FLIP_BYTES_IN_LAST_ENTRY -> {
          long at = lastEntryStart + (dataEnd - lastEntryStart) / 2;
          ByteBuffer one = ByteBuffer.allocate(1);
          ch.read(one, at);
          one.put(0, (byte) (one.get(0) ^ 0xFF)).rewind();
          ch.write(one, at);
        }
      }
      ch.force(true);
    }
  }
}
