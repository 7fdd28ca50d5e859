package quorumkv.raftlog.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Auth requests, the caller envelope and the auth result on the wire. */
class AuthCodecTest {
  static final List<AuthChange> CHANGES = List.of(new AuthChange.SetEnabled(false), new AuthChange.AddUser("alice"),
      new AuthChange.DeleteUser("bob"), new AuthChange.AddRole("r"), new AuthChange.DeleteRole("r2"),
      new AuthChange.GrantRole("alice", "r"), new AuthChange.RevokeRole("alice", "r"),
      new AuthChange.GrantPermission("r", Permission.read("app/")), new AuthChange.GrantPermission("r", Permission.admin()),
      new AuthChange.RevokePermission("r", Permission.readWrite("")));

  @Test
  void everyChangeRoundTrips() {
    for (AuthChange c : CHANGES) {
      Request r = new Request.AuthUpdate(c);
      assertEquals(r, RequestCodec.decode(RequestCodec.encode(r)));
      assertEquals(RequestCodec.Kind.AUTH_UPDATE, RequestCodec.kindOf(RequestCodec.encode(r)));
    }
    assertEquals(new Request.AuthRead(), RequestCodec.decode(RequestCodec.encode(new Request.AuthRead())));
  }

  @Test
  void theEnvelopeWrapsEncodedBytesAndRoundTrips() {
    Request.Write write = new Request.Write(new UUID(1, 2), 3, 1, List.of(new Command.Put(Bytes.utf8("k"), Bytes.utf8("v"))));
    byte[] wrapped = RequestCodec.asCaller(new Caller("alice", false), RequestCodec.encode(write));
    assertEquals(RequestCodec.Kind.AS_CALLER, RequestCodec.kindOf(wrapped));
    assertEquals(new Request.AsCaller(new Caller("alice", false), write), RequestCodec.decode(wrapped));
    Request.Read read = new Request.Read(List.of(new Command.Get(Bytes.utf8("k"))));
    Request env = new Request.AsCaller(new Caller("root", true), read);
    assertEquals(env, RequestCodec.decode(RequestCodec.encode(env)));
  }

  @Test
  void theOverheadIsExactlyWhatTheEnvelopeAdds() {
    byte[] inner = RequestCodec.encode(new Request.Read(List.of(new Command.Get(Bytes.utf8("k")))));
    for (Caller c : List.of(new Caller("a", false), new Caller("ü-long-name-" + "x".repeat(100), true))) {
      assertEquals(inner.length + RequestCodec.envelopeOverhead(c), RequestCodec.asCaller(c, inner).length);
    }
  }

  @Test
  void anEnvelopeInsideAnEnvelopeOrAroundAnAlarmDoesNotDecode() {
    byte[] inner = RequestCodec.asCaller(new Caller("alice", false),
        RequestCodec.encode(new Request.Read(List.of(new Command.Get(Bytes.utf8("k"))))));
    byte[] nested = RequestCodec.asCaller(new Caller("root", true), inner);
    var e = assertThrows(CommandCodecException.class, () -> RequestCodec.decode(nested));
    assertTrue(e.getMessage().contains("AS_CALLER"), e.getMessage());
    byte[] alarm = RequestCodec.asCaller(new Caller("alice", false), RequestCodec.encode(new Request.Alarm("n1", true)));
    assertThrows(CommandCodecException.class, () -> RequestCodec.decode(alarm));
    assertThrows(IllegalArgumentException.class, () -> new Caller("", false));
  }

  @Test
  void kindOfNeverThrowsOnGarbage() {
    assertEquals(RequestCodec.Kind.UNKNOWN, RequestCodec.kindOf(null));
    assertEquals(RequestCodec.Kind.UNKNOWN, RequestCodec.kindOf(new byte[] {1}));
    assertEquals(RequestCodec.Kind.UNKNOWN, RequestCodec.kindOf(new byte[] {9, 1}));
    assertEquals(RequestCodec.Kind.UNKNOWN, RequestCodec.kindOf(new byte[] {1, 99}));
  }

  @Test
  void theAuthResultRoundTrips() {
    AuthState s = AuthState.INITIAL.apply(new AuthChange.AddUser("u")).apply(new AuthChange.AddRole("r"))
        .apply(new AuthChange.GrantPermission("r", Permission.readWrite("a/"))).apply(new AuthChange.GrantRole("u", "r"));
    Response ok = new Response.Ok(5, List.of(new Result.AuthResult(s)));
    assertEquals(ok, ResultCodec.decodeResponse(ResultCodec.encode(ok)));
  }
}
