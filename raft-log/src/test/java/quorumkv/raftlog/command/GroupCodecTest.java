package quorumkv.raftlog.command;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** A node's group of callers' writes on the wire, and what may not be in one. */
class GroupCodecTest {
  private static final Request.Write W1 = new Request.Write(new UUID(1, 2), 3, 1,
      List.of(new Command.Put(Bytes.utf8("k"), Bytes.utf8("v"))));
  private static final Request.Write W2 = new Request.Write(new UUID(3, 4), 1, 1,
      List.of(new Command.Delete(Bytes.utf8("j"))));

  @Test
  void aGroupRoundTripsAndKeepsEachMembersOwnBytes() {
    Request.Group g = new Request.Group(List.of(W1, new Request.AsCaller(new Caller("alice", false), W2)));
    byte[] bytes = RequestCodec.encode(g);
    assertEquals(RequestCodec.Kind.GROUP, RequestCodec.kindOf(bytes));
    assertEquals(g, RequestCodec.decode(bytes));
    List<byte[]> members = RequestCodec.groupMembers(bytes);
    assertArrayEquals(RequestCodec.encode(W1), members.get(0));
    assertArrayEquals(RequestCodec.group(members), bytes, "grouping encoded members gives the same bytes");
    assertEquals(2, g.commands().size());
  }

  @Test
  void aGroupHoldsOnlyWritesAndNoEnvelopeHoldsAGroup() {
    assertThrows(IllegalArgumentException.class, () -> new Request.Group(List.of()));
    assertThrows(IllegalArgumentException.class, () -> new Request.Group(List.of(new Request.Read(List.of()))));
    assertThrows(IllegalArgumentException.class,
        () -> new Request.AsCaller(new Caller("mallory", false), new Request.Group(List.of(W1))));
    byte[] read = RequestCodec.encode(new Request.Read(List.of(new Command.Get(Bytes.utf8("k")))));
    var e = assertThrows(CommandCodecException.class, () -> RequestCodec.decode(RequestCodec.group(List.of(read))));
    assertTrue(e.getMessage().contains("a group carries writes"), e.getMessage());
    byte[] group = RequestCodec.encode(new Request.Group(List.of(W1)));
    // A non-member's group reaches the state machine in the guard's envelope: it must not decode.
    assertThrows(CommandCodecException.class,
        () -> RequestCodec.decode(RequestCodec.asCaller(new Caller("mallory", false), group)));
    assertThrows(CommandCodecException.class, () -> RequestCodec.decode(RequestCodec.group(List.of(group))));
  }

  @Test
  void groupResponsesRoundTrip() {
    List<Response> responses = List.of(new Response.Ok(7, List.of(new Result.PutResult(7, null))),
        new Response.Failed(ErrorCode.STALE_CALL, "late"));
    assertEquals(responses, ResultCodec.decodeGroup(ResultCodec.encodeGroup(responses)));
    assertThrows(CommandCodecException.class, () -> ResultCodec.decodeGroup(ResultCodec.encode(responses.get(0))));
  }

  @Test
  void writeCallsAndRepliesRoundTrip() {
    byte[] write = RequestCodec.encode(W1);
    GroupWrite.Call call = GroupWrite.decodeCall(GroupWrite.encodeCall(new GroupWrite.Call(new UUID(5, 6), write)));
    assertEquals(new UUID(5, 6), call.group());
    assertArrayEquals(write, call.write());
    for (GroupWrite.Reply r : List.of(new GroupWrite.Applied(new Response.Ok(3, List.of())),
        new GroupWrite.Refused(ErrorCode.NO_SPACE, "full"), new GroupWrite.NotLeader("n2", "ask n2", List.of("n1=10.0.0.1:9871", "n2=10.0.0.2:9871")),
        new GroupWrite.NotLeader("", "nobody"), new GroupWrite.Unknown("lost"), new GroupWrite.WrongGroup("other"))) {
      assertEquals(r, GroupWrite.decode(GroupWrite.encode(r)));
    }
    assertThrows(CommandCodecException.class, () -> GroupWrite.decode(new byte[] {1, 9}));
    assertThrows(CommandCodecException.class, () -> GroupWrite.decodeCall(write));
  }
}
