package quorumkv.raftlog.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

/** The compaction request and the stored event on the wire. */
class HistoryCodecTest {
  @Test
  void compactRoundTripsAndIsMembersOnly() {
    Request.Compact c = new Request.Compact(42);
    byte[] bytes = RequestCodec.encode(c);
    assertEquals(c, RequestCodec.decode(bytes));
    assertEquals(RequestCodec.Kind.COMPACT, RequestCodec.kindOf(bytes));
    // A caller's envelope never carries one: only nodes compact.
    assertThrows(CommandCodecException.class,
        () -> RequestCodec.decode(RequestCodec.asCaller(new Caller("alice", false), bytes)));
    byte[] zero = ByteBuffer.allocate(10).put((byte) RequestCodec.FORMAT_VERSION).put((byte) 7).putLong(0).array();
    assertThrows(CommandCodecException.class, () -> RequestCodec.decode(zero));
    assertThrows(IllegalArgumentException.class, () -> new Request.Compact(0));
  }

  @Test
  void backupRecordsRoundTripAreMembersOnlyAndBadOnesDoNotDecode() {
    for (Request.BackupRecord.Outcome o : Request.BackupRecord.Outcome.values()) {
      Request.BackupRecord r = new Request.BackupRecord(o, 12, 340, 5_000, 1_700_000_000_000L);
      byte[] bytes = RequestCodec.encode(r);
      assertEquals(r, RequestCodec.decode(bytes));
      assertEquals(RequestCodec.Kind.BACKUP_RECORD, RequestCodec.kindOf(bytes));
      // A caller's envelope never carries one: only members record backups.
      assertThrows(CommandCodecException.class,
          () -> RequestCodec.decode(RequestCodec.asCaller(new Caller("alice", false), bytes)));
    }
    assertThrows(IllegalArgumentException.class, () -> new Request.AsCaller(new Caller("alice", false),
        new Request.BackupRecord(Request.BackupRecord.Outcome.WRITTEN, 1, 1, 1, 1)));
    byte[] badOutcome = ByteBuffer.allocate(3 + 32).put((byte) RequestCodec.FORMAT_VERSION).put((byte) 8).put((byte) 4)
        .putLong(1).putLong(1).putLong(1).putLong(1).array();
    assertThrows(CommandCodecException.class, () -> RequestCodec.decode(badOutcome));
    byte[] negativeSlot = ByteBuffer.allocate(3 + 32).put((byte) RequestCodec.FORMAT_VERSION).put((byte) 8).put((byte) 1)
        .putLong(-1).putLong(1).putLong(1).putLong(1).array();
    assertThrows(CommandCodecException.class, () -> RequestCodec.decode(negativeSlot));
    byte[] truncated = java.util.Arrays.copyOf(RequestCodec.encode(
        new Request.BackupRecord(Request.BackupRecord.Outcome.VERIFIED, 1, 1, 1, 1)), 20);
    assertThrows(CommandCodecException.class, () -> RequestCodec.decode(truncated));
  }

  /** Review of issue 15 (A6): a record carries the cluster's backup incarnation; records from before it decode with 0. */
  @Test
  void backupRecordsCarryTheIncarnationAndOldOnesStillDecode() {
    Request.BackupRecord r = new Request.BackupRecord(Request.BackupRecord.Outcome.WRITTEN, 12, 340, 5_000, 1_700L,
        0x1234_5678_9abc_def0L);
    assertEquals(r, RequestCodec.decode(RequestCodec.encode(r)));
    byte[] before = ByteBuffer.allocate(3 + 32).put((byte) RequestCodec.FORMAT_VERSION).put((byte) 8).put((byte) 1)
        .putLong(12).putLong(340).putLong(5_000).putLong(1_700).array();
    assertEquals(new Request.BackupRecord(Request.BackupRecord.Outcome.WRITTEN, 12, 340, 5_000, 1_700, 0),
        RequestCodec.decode(before));
    byte[] partial = java.util.Arrays.copyOf(RequestCodec.encode(r), 3 + 32 + 4);
    assertThrows(CommandCodecException.class, () -> RequestCodec.decode(partial));
  }

  @Test
  void eventsRoundTrip() {
    KeyValue prev = new KeyValue(Bytes.utf8("k"), Bytes.utf8("old"), 3, 5, 2);
    for (Event e : new Event[] {Event.put(new KeyValue(Bytes.utf8("k"), Bytes.utf8("new"), 3, 9, 3), prev),
        Event.put(new KeyValue(Bytes.utf8("k"), Bytes.utf8("v"), 9, 9, 1), null), Event.delete(Bytes.utf8("k"), 10, prev)}) {
      assertEquals(e, EventCodec.decode(EventCodec.encode(e)));
    }
    assertEquals(10, Event.delete(Bytes.utf8("k"), 10, prev).revision());
    assertThrows(CommandCodecException.class, () -> EventCodec.decode(new byte[] {1, 2, 0}));
  }

  @Test
  void watchMessagesRoundTrip() {
    KeyValue prev = new KeyValue(Bytes.utf8("k"), Bytes.utf8("old"), 3, 5, 2);
    for (WatchMessage m : new WatchMessage[] {new WatchMessage.Create(7, Bytes.utf8("app/"), true, 0, true, false),
        new WatchMessage.Cancel(7), new WatchMessage.Created(7, 12),
        new WatchMessage.Events(7, 13, java.util.List.of(Event.delete(Bytes.utf8("k"), 12, prev))),
        new WatchMessage.Events(WatchMessage.ALL, 20, java.util.List.of()),
        new WatchMessage.Ended(7, ErrorCode.COMPACTED, "compacted", 99)}) {
      assertEquals(m, WatchCodec.decode(WatchCodec.encode(m)));
    }
    assertThrows(CommandCodecException.class, () -> WatchCodec.decode(new byte[] {1, 9}));
    assertThrows(CommandCodecException.class, () -> WatchCodec.decode(
        ByteBuffer.allocate(29).put((byte) 1).put((byte) 1).putLong(-1).putInt(0).put((byte) 0).putLong(0).put((byte) 0)
            .put((byte) 0)
            .array()));
  }
}
