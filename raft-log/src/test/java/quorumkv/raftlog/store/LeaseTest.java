package quorumkv.raftlog.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import quorumkv.raftlog.command.AuthChange;
import quorumkv.raftlog.command.Bytes;
import quorumkv.raftlog.command.Caller;
import quorumkv.raftlog.command.Command;
import quorumkv.raftlog.command.ErrorCode;
import quorumkv.raftlog.command.Guard;
import quorumkv.raftlog.command.KeyValue;
import quorumkv.raftlog.command.Permission;
import quorumkv.raftlog.command.Request;
import quorumkv.raftlog.command.Response;
import quorumkv.raftlog.command.Result;

/** Leases in the replicated state: grants, attached keys, revoke and expiry in one entry, owners, limits. */
class LeaseTest {
  @TempDir
  Path dir;
  RocksKvStore store;
  long index;
  final List<String> heard = new ArrayList<>();
  final List<String> clockHeard = new ArrayList<>();

  @BeforeEach
  void open() throws Exception {
    store = open("db", StoreOptions.DEFAULTS);
  }

  private RocksKvStore open(String name, StoreOptions options) throws Exception {
    RocksKvStore s = RocksKvStore.open(dir.resolve(name), options);
    s.onChanges((revision, events) -> events.forEach(e -> heard.add(HistoryTest.describe(e))));
    s.onLeases(new LeaseClock() {
      @Override public void renewed(LeaseRecord lease) { clockHeard.add("renewed " + lease.id() + "@" + lease.renewedAt()); }
      @Override public void ended(long id) { clockHeard.add("ended " + id); }
      @Override public long remainingMillis(LeaseRecord lease) { return 1234; }
    });
    return s;
  }

  @AfterEach
  void close() {
    store.close();
  }

  static Bytes b(String s) {
    return Bytes.utf8(s);
  }

  private Result write(Command command) {
    return write(null, command);
  }

  private Result write(Caller caller, Command command) {
    Response r = store.applyWrite(Request.Write.unsessioned(List.of(command)), caller, 1, ++index);
    return ((Response.Ok) r).results().get(0);
  }

  private Result read(Command command) {
    return ((Response.Ok) store.read(new Request.Read(List.of(command)))).results().get(0);
  }

  private long grant(long ttl) {
    return ((Result.LeaseResult) write(Command.Lease.grant(ttl))).id();
  }

  private KeyValue get(String key) {
    return ((Result.GetResult) read(new Command.Get(b(key)))).kv();
  }

  private static void assertError(ErrorCode code, Result r) {
    assertInstanceOf(Result.Error.class, r, String.valueOf(r));
    assertEquals(code, ((Result.Error) r).code(), String.valueOf(r));
  }

  @Test
  void revokeDeletesEveryAttachedKeyInOneRevisionAndOnlyThose() {
    long lease = grant(5000);
    long other = grant(5000);
    assertTrue(other > lease, "ids only grow");
    write(new Command.Put(b("a"), b("1"), lease));
    write(new Command.Put(b("b"), b("2"), lease));
    write(new Command.Put(b("c"), b("3"), other));
    write(new Command.Put(b("plain"), b("4")));
    assertEquals(new Result.LeaseResult(lease, 5000, 1234, 2), read(Command.Lease.timeToLive(lease)));
    heard.clear();
    Result revoked = write(Command.Lease.revoke(lease));
    long revision = store.revisionOf(index);
    assertEquals(new Result.LeaseResult(lease, 5000, 0, 2), revoked);
    assertEquals(List.of("DELETE a=@" + revision + " prev 1", "DELETE b=@" + revision + " prev 2"), heard,
        "watchers see the deletes, all at the revoke's revision");
    assertNull(get("a"));
    assertNull(get("b"));
    assertNotNull(get("c"));
    assertNotNull(get("plain"));
    assertError(ErrorCode.LEASE_NOT_FOUND, read(Command.Lease.timeToLive(lease)));
    assertError(ErrorCode.LEASE_NOT_FOUND, write(Command.Lease.keepAlive(lease)));
    assertError(ErrorCode.LEASE_NOT_FOUND, write(Command.Lease.revoke(lease)));
    assertTrue(clockHeard.contains("ended " + lease));
  }

  /** Found by review: a time-to-live inside a write recorded the replica's clock in its session's results. */
  @Test
  void aTimeToLiveInsideAWriteIsTheSameOnEveryReplica() {
    long lease = grant(5000);
    assertEquals(new Result.LeaseResult(lease, 5000, 5000, 0), write(Command.Lease.timeToLive(lease)),
        "the whole TTL, not this replica's estimate (1234)");
    assertEquals(1234, ((Result.LeaseResult) read(Command.Lease.timeToLive(lease))).remainingMillis(),
        "a read reports the clock's estimate");
  }

  @Test
  void aPutWithoutLeaseOrADeleteDetachesTheKey() {
    long lease = grant(5000);
    write(new Command.Put(b("kept"), b("1"), lease));
    write(new Command.Put(b("kept"), b("2"))); // detached: now permanent
    write(new Command.Put(b("gone"), b("1"), lease));
    write(new Command.Delete(b("gone")));
    write(new Command.Put(b("gone"), b("again"))); // re-created without lease
    write(new Command.Put(b("cas"), b("1"), lease));
    write(new Command.CompareAndSet(b("cas"), new Command.Expected.Value(b("1")), b("2")));
    assertEquals(0, ((Result.LeaseResult) read(Command.Lease.timeToLive(lease))).keys());
    write(Command.Lease.revoke(lease));
    assertEquals("2", get("kept").value().toStringUtf8());
    assertEquals("again", get("gone").value().toStringUtf8());
    assertEquals("2", get("cas").value().toStringUtf8());
  }

  @Test
  void aKeyMovesBetweenLeases() {
    long first = grant(5000);
    long second = grant(5000);
    write(new Command.Put(b("k"), b("1"), first));
    write(new Command.Put(b("k"), b("2"), second));
    write(Command.Lease.revoke(first));
    assertEquals("2", get("k").value().toStringUtf8(), "no longer the first lease's key");
    write(Command.Lease.revoke(second));
    assertNull(get("k"));
  }

  @Test
  void aMissingLeaseAppliesNothing() {
    assertError(ErrorCode.LEASE_NOT_FOUND, write(new Command.Put(b("k"), b("v"), 99)));
    assertNull(get("k"));
    Command.Txn txn = new Command.Txn(List.of(Guard.absent(b("k"))),
        List.of(new Command.Put(b("first"), b("v")), new Command.Put(b("k"), b("v"), 99)), List.of());
    assertError(ErrorCode.LEASE_NOT_FOUND, write(txn));
    assertNull(get("first"), "no operation of the transaction applied");
  }

  @Test
  void anExpiryAppliesOnlyIfNoRenewalOvertookIt() {
    long lease = grant(5000);
    long grantedAt = store.revisionOf(index);
    write(new Command.Put(b("k"), b("v"), lease));
    write(Command.Lease.keepAlive(lease));
    long renewedAt = store.revisionOf(index);
    assertEquals(List.of("renewed " + lease + "@" + grantedAt, "renewed " + lease + "@" + renewedAt), clockHeard);
    // The leader decided at the grant's renewal, but a keep-alive applied first: the lease lives.
    assertEquals(-1, ((Result.LeaseResult) write(Command.Lease.expire(lease, grantedAt))).remainingMillis());
    assertNotNull(get("k"));
    Result expired = write(Command.Lease.expire(lease, renewedAt));
    assertEquals(new Result.LeaseResult(lease, 5000, 0, 1), expired);
    assertNull(get("k"));
    assertEquals(-1, ((Result.LeaseResult) write(Command.Lease.expire(lease, renewedAt))).remainingMillis(),
        "a repeated expiry changes nothing");
  }

  @Test
  void onlyItsOwnerUsesALeaseAndOnlyMembersExpire() {
    write(new Request.AuthUpdate(new AuthChange.AddUser("alice")));
    write(new Request.AuthUpdate(new AuthChange.AddUser("bob")));
    write(new Request.AuthUpdate(new AuthChange.AddRole("rw")));
    write(new Request.AuthUpdate(new AuthChange.GrantPermission("rw", new Permission(Permission.Access.READWRITE, b("")))));
    write(new Request.AuthUpdate(new AuthChange.GrantRole("alice", "rw")));
    write(new Request.AuthUpdate(new AuthChange.GrantRole("bob", "rw")));
    write(new Request.AuthUpdate(new AuthChange.SetEnabled(true)));
    Caller alice = new Caller("alice", false);
    Caller bob = new Caller("bob", false);
    long lease = ((Result.LeaseResult) write(alice, Command.Lease.grant(5000))).id();
    assertInstanceOf(Result.PutResult.class, write(alice, new Command.Put(b("a"), b("1"), lease)));
    assertError(ErrorCode.PERMISSION_DENIED, write(bob, new Command.Put(b("b"), b("1"), lease)));
    assertError(ErrorCode.PERMISSION_DENIED, write(bob, Command.Lease.keepAlive(lease)));
    assertError(ErrorCode.PERMISSION_DENIED, write(bob, Command.Lease.revoke(lease)));
    assertError(ErrorCode.PERMISSION_DENIED, write(alice, Command.Lease.expire(lease, 1)));
    assertNull(get("b"));
    assertNotNull(get("a"));
    assertInstanceOf(Result.LeaseResult.class, write(alice, Command.Lease.keepAlive(lease)));
    assertInstanceOf(Result.LeaseResult.class, write(alice, Command.Lease.revoke(lease)));
    assertNull(get("a"));
  }

  private Result write(Request.AuthUpdate update) {
    store.applyAuth(update, null, 1, ++index);
    return null;
  }

  @Test
  void grantsStopAtTheLimitAndLeasesSurviveAReopen() throws Exception {
    store.close();
    store = open("limited", new StoreOptions(100, 1000, 2));
    long a = grant(5000);
    grant(5000);
    assertError(ErrorCode.LEASE_LIMIT, write(Command.Lease.grant(5000)));
    write(new Command.Put(b("k"), b("v"), a));
    byte[] digest = store.contentDigest();
    store.close();
    store = open("limited", new StoreOptions(100, 1000, 2));
    assertArrayEquals(digest, store.contentDigest());
    assertEquals(2, store.leases().size());
    assertError(ErrorCode.LEASE_LIMIT, write(Command.Lease.grant(5000)), "the count survived the reopen");
    write(Command.Lease.revoke(a));
    assertNull(get("k"));
    assertInstanceOf(Result.LeaseResult.class, write(Command.Lease.grant(5000)), "a revoke frees a place");
  }

  private static void assertError(ErrorCode code, Result r, String why) {
    assertInstanceOf(Result.Error.class, r, why + ": " + r);
    assertEquals(code, ((Result.Error) r).code(), why);
  }
}
