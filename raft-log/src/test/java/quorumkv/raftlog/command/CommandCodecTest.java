package quorumkv.raftlog.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class CommandCodecTest {

  /** Pins format version 1: if this changes, the format changed and FORMAT_VERSION must be bumped. */
  @Test
  void goldenBytesOfFormatVersion1() {
    Request write = new Request.Write(new UUID(1, 2), 3, 1,
        List.of(new Command.Put(Bytes.utf8("k"), Bytes.utf8("v"))));
    assertEquals("0101" + "0000000000000001" + "0000000000000002" + "0000000000000003" + "0000000000000001"
        + "00000001" + "02" + "00000001" + "6b" + "00000001" + "76",
        HexFormat.of().formatHex(RequestCodec.encode(write)));
    Response ok = new Response.Ok(7, List.of(new Result.GetResult(null)));
    assertEquals("0101" + "0000000000000007" + "00000001" + "01" + "00", HexFormat.of().formatHex(ResultCodec.encode(ok)));
  }

  @Test
  void unknownVersionIsRejectedWithAClearMessage() {
    var e = assertThrows(CommandCodecException.class, () -> RequestCodec.decode(new byte[] {9, 1, 0, 0, 0, 0}));
    assertTrue(e.getMessage().contains("unsupported format version 9"), e.getMessage());
  }

  @Test
  void alarmsRoundTripAndBadOnesDoNotDecode() {
    for (Request.Alarm a : java.util.List.of(new Request.Alarm("n1", true), new Request.Alarm("node-ü", false))) {
      assertEquals(a, RequestCodec.decode(RequestCodec.encode(a)));
    }
    // version 1, kind 3, node id of length 0, raised
    var empty = assertThrows(CommandCodecException.class, () -> RequestCodec.decode(new byte[] {1, 3, 0, 0, 0, 0, 1}));
    assertTrue(empty.getMessage().contains("node id has 0 bytes"), empty.getMessage());
    // version 1, kind 3, "n", raised flag 2
    var flag = assertThrows(CommandCodecException.class, () -> RequestCodec.decode(new byte[] {1, 3, 0, 0, 0, 1, 'n', 2}));
    assertTrue(flag.getMessage().contains("invalid boolean 2"), flag.getMessage());
  }

  @Test
  void hugeCountsAreRejectedWithoutAllocating() {
    byte[] bytes = {1, 2, 0x7f, (byte) 0xff, (byte) 0xff, (byte) 0xff};
    var e = assertThrows(CommandCodecException.class, () -> RequestCodec.decode(bytes));
    assertTrue(e.getMessage().contains("invalid count"), e.getMessage());
  }

  @Test
  void nestedTransactionsDoNotDecode() {
    Command inner = new Command.Txn(List.of(), List.of(), List.of());
    byte[] bytes = RequestCodec.encode(new Request.Read(List.of(new Command.Txn(List.of(), List.of(inner), List.of()))));
    assertThrows(CommandCodecException.class, () -> RequestCodec.decode(bytes));
  }

  @Test
  void errorCodesRoundTripThroughTheirNumbers() {
    for (ErrorCode c : ErrorCode.values()) {
      assertEquals(c, ErrorCode.ofNumber(c.number()));
    }
    assertThrows(CommandCodecException.class, () -> ErrorCode.ofNumber(999));
  }

  @Test
  void limitsRejectOversizedAndInvalidRequests() {
    RequestLimits limits = new RequestLimits(4, 8, 3, 1000, 10);
    Bytes longKey = Bytes.utf8("12345");
    assertEquals(ErrorCode.KEY_TOO_LARGE, check(limits, new Command.Put(longKey, Bytes.EMPTY)));
    assertEquals(ErrorCode.VALUE_TOO_LARGE, check(limits, new Command.Put(Bytes.utf8("k"), Bytes.utf8("123456789"))));
    assertEquals(ErrorCode.INVALID_ARGUMENT, check(limits, new Command.Put(Bytes.EMPTY, Bytes.EMPTY)));
    assertEquals(ErrorCode.INVALID_ARGUMENT, check(limits, new Command.Range(Bytes.utf8("a"), Bytes.EMPTY, 11)));
    Command put = new Command.Put(Bytes.utf8("k"), Bytes.utf8("v"));
    assertEquals(ErrorCode.TOO_MANY_OPERATIONS,
        check(limits, new Command.Txn(List.of(), List.of(put, put, put), List.of())));
    assertEquals(ErrorCode.REQUEST_TOO_LARGE,
        limits.check(new Request.Read(List.of(new Command.Get(Bytes.utf8("k")))), 1001).code());
    assertEquals(ErrorCode.INVALID_ARGUMENT,
        limits.check(new Request.Read(List.of(put)), 10).code());
    assertNull(limits.check(new Request.Read(List.of(new Command.Get(Bytes.utf8("k")))), 10));
  }

  @Test
  void badLeaseRequestsAreRefusedBeforeTheLog() {
    RequestLimits limits = RequestLimits.DEFAULTS;
    assertEquals(ErrorCode.INVALID_ARGUMENT, check(limits, Command.Lease.grant(0)));
    assertEquals(ErrorCode.INVALID_ARGUMENT, check(limits, Command.Lease.grant(Command.Lease.MIN_TTL_MILLIS - 1)));
    assertEquals(ErrorCode.INVALID_ARGUMENT, check(limits, Command.Lease.grant(Command.Lease.MAX_TTL_MILLIS + 1)));
    assertNull(check(limits, Command.Lease.grant(Command.Lease.MIN_TTL_MILLIS)));
    assertNull(check(limits, Command.Lease.grant(Command.Lease.MAX_TTL_MILLIS)));
    assertEquals(ErrorCode.INVALID_ARGUMENT, check(limits, Command.Lease.keepAlive(0)));
    assertEquals(ErrorCode.INVALID_ARGUMENT, check(limits, Command.Lease.revoke(-5)));
    assertEquals(ErrorCode.INVALID_ARGUMENT, check(limits, new Command.Put(Bytes.utf8("k"), Bytes.EMPTY, -1)));
    assertEquals(ErrorCode.INVALID_ARGUMENT, check(limits, new Command.Txn(List.of(),
        List.of(Command.Lease.revoke(1)), List.of())), "no lease operation inside a transaction");
    assertNull(limits.check(new Request.Read(List.of(Command.Lease.timeToLive(3))), 10));
    assertEquals(ErrorCode.INVALID_ARGUMENT,
        limits.check(new Request.Read(List.of(Command.Lease.keepAlive(3))), 10).code(), "a keep-alive is a write");
  }

  @Test
  void aPutWithoutLeaseKeepsItsEarlierEncoding() {
    Command.Put put = new Command.Put(Bytes.utf8("k"), Bytes.utf8("v"));
    assertEquals(2, RequestCodec.encodeCommand(put)[0], "tag 2, as logged before leases existed");
    Command.Put leased = new Command.Put(Bytes.utf8("k"), Bytes.utf8("v"), 7);
    assertEquals(8, RequestCodec.encodeCommand(leased)[0]);
    Request.Write w = Request.Write.unsessioned(List.of(leased, Command.Lease.expire(7, 42)));
    assertEquals(w, RequestCodec.decode(RequestCodec.encode(w)));
  }

  private static ErrorCode check(RequestLimits limits, Command c) {
    var f = limits.check(Request.Write.unsessioned(List.of(c)), 10);
    return f == null ? null : f.code();
  }

  /** Found by reasoning about canonicity: invalid UTF-8 used to decode with replacement characters. */
  @Test
  void invalidUtf8InAnErrorMessageIsRejected() {
    byte[] ok = ResultCodec.encode(new Response.Failed(ErrorCode.STALE_CALL, "a"));
    ok[ok.length - 1] = (byte) 0xC3; // a lone UTF-8 lead byte
    assertThrows(CommandCodecException.class, () -> ResultCodec.decodeResponse(ok));
  }

  @Test
  void prefixEndCoversExactlyThePrefix() {
    assertEquals(Bytes.utf8("ab"), Bytes.utf8("aa").prefixEnd());
    assertEquals(Bytes.wrap(new byte[] {2}), Bytes.wrap(new byte[] {1, (byte) 0xff}).prefixEnd());
    assertEquals(Bytes.EMPTY, Bytes.wrap(new byte[] {(byte) 0xff}).prefixEnd());
  }
}
