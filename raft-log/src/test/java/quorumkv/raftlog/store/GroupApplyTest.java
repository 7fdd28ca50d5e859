package quorumkv.raftlog.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import quorumkv.raftlog.command.AuthChange;
import quorumkv.raftlog.command.Bytes;
import quorumkv.raftlog.command.Caller;
import quorumkv.raftlog.command.Command;
import quorumkv.raftlog.command.ErrorCode;
import quorumkv.raftlog.command.KeyValue;
import quorumkv.raftlog.command.Permission;
import quorumkv.raftlog.command.Request;
import quorumkv.raftlog.command.Response;
import quorumkv.raftlog.command.Result;

/**
 * One log entry carrying several callers' writes (a node's group commit): each write is deduplicated by its
 * own session and authorized as its own caller, and all share the entry's revision.
 */
class GroupApplyTest {
  @TempDir
  Path dir;
  RocksKvStore store;
  long index;

  @BeforeEach
  void open() throws Exception {
    store = RocksKvStore.open(dir.resolve("db"), StoreOptions.DEFAULTS);
  }

  @AfterEach
  void close() {
    store.close();
  }

  private static Request.Write put(UUID session, long call, String key, String value) {
    return new Request.Write(session, call, call, List.of(new Command.Put(Bytes.utf8(key), Bytes.utf8(value))));
  }

  private KeyValue get(String key) {
    Response.Ok ok = (Response.Ok) store.read(new Request.Read(List.of(new Command.Get(Bytes.utf8(key)))));
    return ((Result.GetResult) ok.results().get(0)).kv();
  }

  @Test
  void eachMemberAppliesOnceByItsOwnSessionEvenWhenRetriedInAnotherGroupOrAlone() {
    UUID a = UUID.randomUUID();
    UUID b = UUID.randomUUID();
    List<Response> first = store.applyWrites(List.of(put(a, 1, "x", "1"), put(b, 1, "y", "1")),
        Arrays.asList(null, null), 1, ++index);
    assertEquals(2, first.size());
    long revision = ((Result.PutResult) ((Response.Ok) first.get(0)).results().get(0)).revision();
    assertEquals(revision, ((Result.PutResult) ((Response.Ok) first.get(1)).results().get(0)).revision(),
        "one entry, one revision");
    // a's call 1 retried in a later group (a node died after appending it), beside c's new write; b's alone.
    UUID c = UUID.randomUUID();
    List<Response> retried = store.applyWrites(List.of(put(c, 1, "z", "1"), put(a, 1, "x", "1")),
        Arrays.asList(null, null), 1, ++index);
    assertEquals(first.get(0), retried.get(1), "the retry gets the first result, index included");
    assertEquals(first.get(1), store.applyWrite(put(b, 1, "y", "1"), 1, ++index));
    assertEquals(1, get("x").version(), "applied once");
    assertEquals(1, get("y").version(), "applied once");
    assertEquals(1, get("z").version());
    assertEquals(first.get(0), store.replayedResponse(put(a, 1, "x", "1")));
  }

  @Test
  void twoCallsOfOneSessionInOneGroupApplyInOrderAndADuplicateGetsTheFirstResult() {
    UUID a = UUID.randomUUID();
    Request.Write one = new Request.Write(a, 1, 1, List.of(new Command.Put(Bytes.utf8("p"), Bytes.utf8("1"))));
    Request.Write two = new Request.Write(a, 2, 1, List.of(new Command.Put(Bytes.utf8("q"), Bytes.utf8("2"))));
    List<Response> r = store.applyWrites(List.of(one, two, one), Arrays.asList(null, null, null), 1, ++index);
    assertEquals(r.get(0), r.get(2));
    assertEquals(1, get("p").version());
    assertEquals("2", get("q").value().toStringUtf8());
  }

  @Test
  void eachMemberIsAuthorizedAsItsOwnCaller() {
    store.applyAuth(new Request.AuthUpdate(new AuthChange.AddUser("alice")), null, 1, ++index);
    store.applyAuth(new Request.AuthUpdate(new AuthChange.AddRole("w")), null, 1, ++index);
    store.applyAuth(new Request.AuthUpdate(new AuthChange.GrantPermission("w", Permission.readWrite("app/"))), null, 1,
        ++index);
    store.applyAuth(new Request.AuthUpdate(new AuthChange.GrantRole("alice", "w")), null, 1, ++index);
    Caller alice = new Caller("alice", false);
    Caller bob = new Caller("bob", false);
    List<Response> r = store.applyWrites(List.of(put(UUID.randomUUID(), 1, "app/a", "1"),
        put(UUID.randomUUID(), 1, "app/b", "1")), List.of(alice, bob), 1, ++index);
    assertInstanceOf(Result.PutResult.class, ((Response.Ok) r.get(0)).results().get(0));
    Result.Error denied = assertInstanceOf(Result.Error.class, ((Response.Ok) r.get(1)).results().get(0));
    assertEquals(ErrorCode.PERMISSION_DENIED, denied.code());
    assertEquals(null, get("app/b"), "bob's write changed nothing");
  }

  @Test
  void writesAndCallersMustPair() {
    assertThrows(IllegalArgumentException.class, () -> store.applyWrites(List.of(put(UUID.randomUUID(), 1, "k", "v")),
        List.of(), 1, ++index));
  }
}
