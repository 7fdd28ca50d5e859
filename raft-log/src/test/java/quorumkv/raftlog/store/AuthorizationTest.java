package quorumkv.raftlog.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import quorumkv.raftlog.command.AuthChange;
import quorumkv.raftlog.command.AuthState;
import quorumkv.raftlog.command.Bytes;
import quorumkv.raftlog.command.Caller;
import quorumkv.raftlog.command.Command;
import quorumkv.raftlog.command.ErrorCode;
import quorumkv.raftlog.command.Guard;
import quorumkv.raftlog.command.Permission;
import quorumkv.raftlog.command.Request;
import quorumkv.raftlog.command.Response;
import quorumkv.raftlog.command.Result;

/** Users, roles and grants in the store: who may run what, judged by bounds, and kept across reopen and checkpoint. */
class AuthorizationTest {
  static final Caller ALICE = new Caller("alice", false);
  static final Caller ROOT = new Caller("root", true);

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

  static Bytes b(String s) {
    return Bytes.utf8(s);
  }

  private Response auth(Caller caller, AuthChange change) {
    return store.applyAuth(new Request.AuthUpdate(change), caller, 1, ++index);
  }

  private Result write(Caller caller, Command c) {
    return ((Response.Ok) store.applyWrite(Request.Write.unsessioned(List.of(c)), caller, 1, ++index)).results().get(0);
  }

  private Result read(Caller caller, Command c) {
    return ((Response.Ok) store.read(new Request.Read(List.of(c)), caller)).results().get(0);
  }

  private static void assertDenied(Result r) {
    Result.Error e = assertInstanceOf(Result.Error.class, r);
    assertEquals(ErrorCode.PERMISSION_DENIED, e.code(), e.message());
  }

  private void aliceReadsApp() {
    assertInstanceOf(Response.Ok.class, auth(ROOT, new AuthChange.AddUser("alice")));
    auth(ROOT, new AuthChange.AddRole("app-reader"));
    auth(ROOT, new AuthChange.GrantPermission("app-reader", Permission.read("app/")));
    auth(ROOT, new AuthChange.GrantRole("alice", "app-reader"));
  }

  @Test
  void aNewStoreHasAuthorizationOnAndNobodyButAdminsAndNodesMayAct() {
    assertTrue(store.authState().enabled());
    assertDenied(write(ALICE, new Command.Put(b("app/x"), b("1"))));
    assertDenied(read(ALICE, new Command.Get(b("app/x"))));
    assertInstanceOf(Result.PutResult.class, write(ROOT, new Command.Put(b("app/x"), b("1"))));
    assertInstanceOf(Result.PutResult.class, write(null, new Command.Put(b("app/y"), b("1"))));
  }

  @Test
  void aReaderOfAPrefixReadsInsideItAndNothingElse() {
    write(null, new Command.Put(b("app/x"), b("1")));
    aliceReadsApp();
    assertNotNull(((Result.GetResult) read(ALICE, new Command.Get(b("app/x")))).kv());
    assertInstanceOf(Result.RangeResult.class, read(ALICE, Command.Range.prefix(b("app/"), 0)));
    assertInstanceOf(Result.RangeResult.class, read(ALICE, new Command.Range(b("app/a"), b("app/b"), 0)));
    assertDenied(read(ALICE, new Command.Get(b("other/x"))));
    assertDenied(read(ALICE, new Command.Get(b("app"))));
    // Judged by the bounds, not by what the range would find: these reach past app/.
    assertDenied(read(ALICE, new Command.Range(b("app/"), Bytes.EMPTY, 0)));
    assertDenied(read(ALICE, new Command.Range(b("ap"), b("app/z"), 0)));
    assertDenied(read(ALICE, new Command.Range(b("app/"), b("app0\u0000"), 0)));
    assertDenied(write(ALICE, new Command.Put(b("app/x"), b("2"))));
    assertDenied(write(ALICE, new Command.Delete(b("app/x"))));
    assertEquals("1", ((Result.GetResult) read(null, new Command.Get(b("app/x")))).kv().value().toStringUtf8());
  }

  @Test
  void aTransactionNeedsEveryKeyItComparesReadsAndWrites() {
    aliceReadsApp();
    auth(ROOT, new AuthChange.AddRole("app-writer"));
    auth(ROOT, new AuthChange.GrantPermission("app-writer", Permission.readWrite("app/w/")));
    auth(ROOT, new AuthChange.GrantRole("alice", "app-writer"));
    Command ok = new Command.Txn(List.of(Guard.absent(b("app/x"))), List.of(new Command.Put(b("app/w/1"), b("v"))),
        List.of(new Command.Get(b("app/y"))));
    assertInstanceOf(Result.TxnResult.class, write(ALICE, ok));
    Command writesOutside = new Command.Txn(List.of(), List.of(new Command.Put(b("app/x"), b("v"))), List.of());
    assertDenied(write(ALICE, writesOutside));
    // The branch that would not run counts too.
    Command failureBranchOutside = new Command.Txn(List.of(Guard.absent(b("app/x"))),
        List.of(new Command.Get(b("app/x"))), List.of(new Command.Delete(b("other/x"))));
    assertDenied(write(ALICE, failureBranchOutside));
    Command comparesOutside = new Command.Txn(List.of(Guard.absent(b("other/x"))),
        List.of(new Command.Put(b("app/w/2"), b("v"))), List.of());
    assertDenied(write(ALICE, comparesOutside));
  }

  @Test
  void aDeniedCommandInABatchChangesNothingAndTheOthersApply() {
    auth(ROOT, new AuthChange.AddUser("alice"));
    auth(ROOT, new AuthChange.AddRole("w"));
    auth(ROOT, new AuthChange.GrantPermission("w", Permission.readWrite("app/")));
    auth(ROOT, new AuthChange.GrantRole("alice", "w"));
    List<Result> results = ((Response.Ok) store.applyWrite(Request.Write.unsessioned(List.of(
        new Command.Put(b("app/1"), b("v")), new Command.Put(b("other/1"), b("v")))), ALICE, 1, ++index)).results();
    assertInstanceOf(Result.PutResult.class, results.get(0));
    assertDenied(results.get(1));
    assertNull(((Result.GetResult) read(null, new Command.Get(b("other/1")))).kv());
  }

  @Test
  void revokeAndDeleteTakeEffectAtTheirEntry() {
    aliceReadsApp();
    assertInstanceOf(Result.GetResult.class, read(ALICE, new Command.Get(b("app/x"))));
    auth(ROOT, new AuthChange.RevokePermission("app-reader", Permission.read("app/")));
    assertDenied(read(ALICE, new Command.Get(b("app/x"))));
    auth(ROOT, new AuthChange.GrantPermission("app-reader", Permission.read("app/")));
    assertInstanceOf(Result.GetResult.class, read(ALICE, new Command.Get(b("app/x"))));
    auth(ROOT, new AuthChange.DeleteRole("app-reader"));
    assertDenied(read(ALICE, new Command.Get(b("app/x"))));
    assertTrue(store.authState().users().get("alice").isEmpty(), "a deleted role leaves its users");
  }

  @Test
  void onlyAdminsChangeUsersAndRolesAndAdminAccessMakesAnAdmin() {
    Response refused = auth(ALICE, new AuthChange.AddUser("mallory"));
    assertEquals(ErrorCode.PERMISSION_DENIED, ((Response.Failed) refused).code());
    assertFalse(store.authState().users().containsKey("mallory"));
    assertEquals(ErrorCode.PERMISSION_DENIED, ((Response.Failed) store.readAuth(ALICE)).code());
    auth(ROOT, new AuthChange.AddUser("alice"));
    auth(ROOT, new AuthChange.AddRole("ops"));
    auth(ROOT, new AuthChange.GrantPermission("ops", Permission.admin()));
    auth(ROOT, new AuthChange.GrantRole("alice", "ops"));
    assertInstanceOf(Response.Ok.class, auth(ALICE, new AuthChange.AddUser("bob")));
    assertNull(store.adminDenial(ALICE, "transfer leadership"));
    assertNotNull(store.adminDenial(new Caller("bob", false), "transfer leadership"));
  }

  @Test
  void grantingToAMissingUserOrRoleIsAnInvalidArgumentAndChangesNothing() {
    AuthState before = store.authState();
    Response r = auth(ROOT, new AuthChange.GrantRole("ghost", "nope"));
    assertEquals(ErrorCode.INVALID_ARGUMENT, ((Response.Failed) r).code());
    assertSame(before, store.authState());
    assertEquals(index, store.applied().index(), "a refused change still advances the applied index");
  }

  @Test
  void disablingLetsEveryCallerActAndEnablingStopsThem() {
    auth(ROOT, new AuthChange.SetEnabled(false));
    assertInstanceOf(Result.PutResult.class, write(ALICE, new Command.Put(b("x"), b("1"))));
    auth(ROOT, new AuthChange.SetEnabled(true));
    assertDenied(write(ALICE, new Command.Put(b("x"), b("2"))));
  }

  @Test
  void usersAndRolesSurviveReopenAndCheckpoint() throws Exception {
    aliceReadsApp();
    AuthState state = store.authState();
    Path checkpoint = dir.resolve("checkpoint");
    store.checkpoint(checkpoint);
    store.close();
    store = RocksKvStore.open(dir.resolve("db"), StoreOptions.DEFAULTS);
    assertEquals(state, store.authState());
    try (RocksKvStore fromCheckpoint = RocksKvStore.open(checkpoint, StoreOptions.DEFAULTS)) {
      assertEquals(state, fromCheckpoint.authState());
    }
  }

  @Test
  void theStateRoundTripsAndRefusesGarbage() {
    AuthState s = AuthState.INITIAL.apply(new AuthChange.AddUser("u")).apply(new AuthChange.AddRole("r"))
        .apply(new AuthChange.GrantPermission("r", Permission.read("p/")))
        .apply(new AuthChange.GrantPermission("r", Permission.admin()))
        .apply(new AuthChange.GrantRole("u", "r")).apply(new AuthChange.SetEnabled(false));
    assertEquals(s, AuthState.decode(s.encode()));
    assertSame(s, s.apply(new AuthChange.AddUser("u")), "an idempotent change changes nothing");
    byte[] bytes = s.encode();
    assertThrows(RuntimeException.class, () -> AuthState.decode(java.util.Arrays.copyOf(bytes, bytes.length - 1)));
    assertThrows(IllegalArgumentException.class, () -> new Permission(Permission.Access.ADMIN, b("x")));
    assertThrows(IllegalArgumentException.class, () -> new AuthChange.AddUser("a\nb"));
  }
}
