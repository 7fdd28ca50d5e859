package quorumkv.raftlog.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import quorumkv.raftlog.command.Bytes;
import quorumkv.raftlog.command.Command;
import quorumkv.raftlog.command.ErrorCode;
import quorumkv.raftlog.command.Guard;
import quorumkv.raftlog.command.KeyValue;
import quorumkv.raftlog.command.Request;
import quorumkv.raftlog.command.Response;
import quorumkv.raftlog.command.Result;

class RocksKvStoreTest {
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

  private List<Result> write(Command... commands) {
    return ((Response.Ok) store.applyWrite(Request.Write.unsessioned(List.of(commands)), 1, ++index)).results();
  }

  private KeyValue get(String key) {
    Response.Ok ok = (Response.Ok) store.read(new Request.Read(List.of(new Command.Get(b(key)))));
    return ((Result.GetResult) ok.results().get(0)).kv();
  }

  @Test
  void putTracksCreateRevisionModRevisionAndVersion() {
    write(new Command.Put(b("a"), b("1")));
    write(new Command.Put(b("a"), b("2")));
    KeyValue kv = get("a");
    assertEquals(new KeyValue(b("a"), b("2"), 1, 2, 2), kv);
    Result.DeleteResult d = (Result.DeleteResult) write(new Command.Delete(b("a"))).get(0);
    assertTrue(d.deleted());
    assertNull(get("a"));
    write(new Command.Put(b("a"), b("3")));
    assertEquals(new KeyValue(b("a"), b("3"), 4, 4, 1), get("a"), "recreated key starts a new life");
    assertFalse(((Result.DeleteResult) write(new Command.Delete(b("zz"))).get(0)).deleted());
  }

  @Test
  void compareAndSetByRevisionAndByValue() {
    var created = (Result.CasResult) write(new Command.CompareAndSet(b("k"), new Command.Expected.Revision(0), b("v1"))).get(0);
    assertTrue(created.succeeded(), "revision 0 means absent");
    var stale = (Result.CasResult) write(new Command.CompareAndSet(b("k"), new Command.Expected.Revision(0), b("v2"))).get(0);
    assertFalse(stale.succeeded());
    assertEquals(b("v1"), stale.current().value(), "a failed CAS reports the current state");
    assertTrue(((Result.CasResult) write(new Command.CompareAndSet(b("k"), new Command.Expected.Revision(1), b("v2"))).get(0)).succeeded());
    assertFalse(((Result.CasResult) write(new Command.CompareAndSet(b("k"), new Command.Expected.Value(b("v1")), b("v3"))).get(0)).succeeded());
    assertTrue(((Result.CasResult) write(new Command.CompareAndSet(b("k"), new Command.Expected.Value(b("v2")), b("v3"))).get(0)).succeeded());
    assertFalse(((Result.CasResult) write(new Command.CompareAndSet(b("none"), new Command.Expected.Value(b("")), b("x"))).get(0)).succeeded(),
        "a value guard never matches an absent key");
    assertEquals(b("v3"), get("k").value());
  }

  @Test
  void putIfAbsentWritesOnlyOnce() {
    assertTrue(((Result.CasResult) write(new Command.PutIfAbsent(b("k"), b("1"))).get(0)).succeeded());
    var second = (Result.CasResult) write(new Command.PutIfAbsent(b("k"), b("2"))).get(0);
    assertFalse(second.succeeded());
    assertEquals(b("1"), get("k").value());
  }

  @Test
  void rangeAndPrefixHonourBoundsAndLimit() {
    for (String k : List.of("a", "app/1", "app/2", "app/3", "b")) {
      write(new Command.Put(b(k), b(k)));
    }
    var prefix = (Result.RangeResult) ((Response.Ok) store.read(new Request.Read(
        List.of(Command.Range.prefix(b("app/"), 2))))).results().get(0);
    assertEquals(List.of(b("app/1"), b("app/2")), prefix.kvs().stream().map(KeyValue::key).toList());
    assertTrue(prefix.more());
    var all = (Result.RangeResult) ((Response.Ok) store.read(new Request.Read(
        List.of(new Command.Range(b("app/2"), Bytes.EMPTY, 0))))).results().get(0);
    assertEquals(List.of(b("app/2"), b("app/3"), b("b")), all.kvs().stream().map(KeyValue::key).toList());
    assertFalse(all.more());
  }

  /** A range over large values stops at a byte budget and says "more", so memory stays bounded. */
  @Test
  void rangeOverLargeValuesIsCutAtTheByteBudget() {
    Bytes mib = Bytes.wrap(new byte[1024 * 1024]);
    for (int i = 0; i < 6; i++) {
      write(new Command.Put(b("big/" + i), mib));
    }
    var first = (Result.RangeResult) ((Response.Ok) store.read(new Request.Read(
        List.of(Command.Range.prefix(b("big/"), 0))))).results().get(0);
    assertEquals(4, first.kvs().size(), "4 MiB budget");
    assertTrue(first.more());
    Bytes after = Bytes.utf8("big/3\u0000");
    var rest = (Result.RangeResult) ((Response.Ok) store.read(new Request.Read(
        List.of(new Command.Range(after, b("big/").prefixEnd(), 0))))).results().get(0);
    assertEquals(List.of(b("big/4"), b("big/5")), rest.kvs().stream().map(KeyValue::key).toList());
    assertFalse(rest.more());
  }

  @Test
  void commandsOfOneEntrySeeEachOther() {
    List<Result> results = write(new Command.Put(b("x"), b("1")), new Command.Get(b("x")),
        new Command.Put(b("x"), b("2")), new Command.Range(b("x"), Bytes.EMPTY, 0));
    assertEquals(b("1"), ((Result.GetResult) results.get(1)).kv().value());
    KeyValue last = ((Result.RangeResult) results.get(3)).kvs().get(0);
    assertEquals(new KeyValue(b("x"), b("2"), 1, 1, 2), last, "one entry, one revision, two versions");
  }

  @Test
  void transactionRunsOneBranchAtomically() {
    write(new Command.Put(b("from"), b("10")), new Command.Put(b("to"), b("0")));
    Command.Txn transfer = new Command.Txn(
        List.of(Guard.valueIs(b("from"), b("10")), Guard.exists(b("to")), Guard.modRevisionIs(b("to"), 1)),
        List.of(new Command.Put(b("from"), b("5")), new Command.Put(b("to"), b("5"))),
        List.of(new Command.Get(b("from"))));
    var first = (Result.TxnResult) write(transfer).get(0);
    assertTrue(first.succeeded());
    assertEquals(2, first.results().size());
    var second = (Result.TxnResult) write(transfer).get(0);
    assertFalse(second.succeeded(), "guards no longer hold");
    assertEquals(b("5"), ((Result.GetResult) second.results().get(0)).kv().value());
    assertEquals(b("5"), get("to").value());
    var absent = (Result.TxnResult) write(new Command.Txn(List.of(Guard.absent(b("new"))),
        List.of(new Command.Put(b("new"), b("1"))), List.of())).get(0);
    assertTrue(absent.succeeded());
    assertTrue(new Guard(b("new"), Guard.Target.VERSION, Guard.Op.LESS, 2, Bytes.EMPTY).holds(get("new")));
  }

  @Test
  void sessionCallAppliesOnceAndReturnsTheRecordedResult() {
    UUID s = UUID.randomUUID();
    Request.Write put = new Request.Write(s, 1, 1, List.of(new Command.Put(b("c"), b("1"))));
    Response first = store.applyWrite(put, 1, ++index);
    Response retry = store.applyWrite(put, 2, ++index);
    assertEquals(first, retry, "a retried call gets the first result, index included");
    assertEquals(1, get("c").version(), "applied once");
    assertEquals(first, store.replayedResponse(put));
    // Acknowledge call 1 with call 2: call 1's record is dropped; a late duplicate of it is stale.
    store.applyWrite(new Request.Write(s, 2, 2, List.of(new Command.Put(b("c"), b("2")))), 2, ++index);
    var stale = (Response.Failed) store.applyWrite(put, 2, ++index);
    assertEquals(ErrorCode.STALE_CALL, stale.code());
    assertEquals(2, get("c").version());
  }

  @Test
  void unknownSessionWithEarlierRepliesIsExpiredNotReapplied() {
    UUID s = UUID.randomUUID();
    var r = (Response.Failed) store.applyWrite(new Request.Write(s, 7, 5, List.of(new Command.Put(b("e"), b("1")))), 1, ++index);
    assertEquals(ErrorCode.SESSION_EXPIRED, r.code());
    assertFalse(r.code().isDefinite());
    assertNull(get("e"));
  }

  @Test
  void idleSessionsExpireByLogPositionOnEveryReplicaAlike() throws Exception {
    store.close();
    store = RocksKvStore.open(dir.resolve("db2"), new StoreOptions(100, 5000));
    UUID idle = UUID.randomUUID();
    UUID active = UUID.randomUUID();
    store.applyWrite(new Request.Write(idle, 1, 1, List.of(new Command.Put(b("i"), b("1")))), 1, ++index);
    for (int call = 1; index < 3 * SessionTable.SCAN_INTERVAL; call++) {
      store.applyWrite(new Request.Write(active, call, call, List.of(new Command.Put(b("a"), b("x")))), 1, ++index);
    }
    assertEquals(ErrorCode.SESSION_EXPIRED, ((Response.Failed) store.applyWrite(
        new Request.Write(idle, 2, 2, List.of(new Command.Put(b("i"), b("2")))), 1, ++index)).code());
    assertTrue(store.applyWrite(new Request.Write(active, 100_000, 100_000,
        List.of(new Command.Put(b("a"), b("y")))), 1, ++index) instanceof Response.Ok, "active session kept");
  }

  @Test
  void reopeningKeepsDataAndAppliedIndexAndRefusesToReapply() throws Exception {
    write(new Command.Put(b("p"), b("1")));
    write(new Command.Put(b("p"), b("2")));
    byte[] digest = store.contentDigest();
    store.close();
    store = RocksKvStore.open(dir.resolve("db"), StoreOptions.DEFAULTS);
    assertEquals(new AppliedIndex(1, 2), store.applied());
    assertArrayEquals(digest, store.contentDigest());
    assertThrows(IllegalStateException.class,
        () -> store.applyWrite(Request.Write.unsessioned(List.of(new Command.Put(b("p"), b("3")))), 1, 2));
    assertEquals(ErrorCode.RESULT_NOT_RECORDED, ((Response.Failed) store.replayedResponse(
        Request.Write.unsessioned(List.of(new Command.Put(b("p"), b("3")))))).code());
  }

  /** A snapshot install closes the store under running readers: they must get an error, not a JVM crash. */
  @Test
  void aClosedStoreRefusesOperationsInsteadOfCrashing() throws Exception {
    RocksKvStore other = RocksKvStore.open(dir.resolve("closing"), StoreOptions.DEFAULTS);
    other.close();
    other.close(); // idempotent
    assertThrows(StorageException.class, () -> other.read(new Request.Read(List.of(new Command.Get(b("k"))))));
    assertThrows(StorageException.class, other::contentDigest);
    assertEquals(-1, other.approximateSizeBytes(), "metrics see 'unknown', not an error");
  }

  @Test
  void sameLogGivesTheSameBytesOnTwoReplicas() throws Exception {
    List<Request.Write> log = randomLog(new Random(42), 300);
    try (RocksKvStore a = RocksKvStore.open(dir.resolve("a"), StoreOptions.DEFAULTS);
        RocksKvStore c = RocksKvStore.open(dir.resolve("c"), StoreOptions.DEFAULTS)) {
      List<Response> ra = new ArrayList<>();
      List<Response> rc = new ArrayList<>();
      for (int i = 0; i < log.size(); i++) {
        ra.add(a.applyWrite(log.get(i), 1, i + 1));
        rc.add(c.applyWrite(log.get(i), 1, i + 1));
      }
      assertEquals(ra, rc);
      assertArrayEquals(a.contentDigest(), c.contentDigest());
    }
  }

  @Test
  void checkpointOpensAsTheSameState() throws Exception {
    for (Request.Write w : randomLog(new Random(7), 100)) {
      store.applyWrite(w, 1, ++index);
    }
    AppliedIndex at = store.checkpoint(dir.resolve("cp"));
    try (RocksKvStore copy = RocksKvStore.open(dir.resolve("cp"), StoreOptions.DEFAULTS)) {
      assertEquals(at, copy.applied());
      assertArrayEquals(store.contentDigest(), copy.contentDigest());
    }
  }

  static List<Request.Write> randomLog(Random random, int n) {
    List<Request.Write> log = new ArrayList<>();
    UUID session = new UUID(random.nextLong(), random.nextLong());
    for (int i = 0; i < n; i++) {
      Bytes key = b("k" + random.nextInt(20));
      Command c = switch (random.nextInt(5)) {
        case 0 -> new Command.Put(key, b("v" + i));
        case 1 -> new Command.Delete(key);
        case 2 -> new Command.CompareAndSet(key, new Command.Expected.Revision(random.nextInt(i + 1)), b("c" + i));
        case 3 -> new Command.PutIfAbsent(key, b("p" + i));
        default -> new Command.Txn(List.of(Guard.exists(key)), List.of(new Command.Delete(key)),
            List.of(new Command.Put(key, b("t" + i))));
      };
      log.add(random.nextBoolean() ? Request.Write.unsessioned(List.of(c))
          : new Request.Write(session, i + 1, Math.max(1, i - 3), List.of(c)));
    }
    return log;
  }
}
