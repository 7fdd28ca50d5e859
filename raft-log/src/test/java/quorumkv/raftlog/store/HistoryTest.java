package quorumkv.raftlog.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import quorumkv.raftlog.command.HistoryPage;
import quorumkv.raftlog.command.AuthChange;
import quorumkv.raftlog.command.Bytes;
import quorumkv.raftlog.command.Caller;
import quorumkv.raftlog.command.Command;
import quorumkv.raftlog.command.Event;
import quorumkv.raftlog.command.Permission;
import quorumkv.raftlog.command.Request;

/** The change history: what each write records, how pages are cut, compaction, and determinism. */
class HistoryTest {
  @TempDir
  Path dir;
  RocksKvStore store;
  long index;
  final List<String> heard = new ArrayList<>();

  @BeforeEach
  void open() throws Exception {
    store = RocksKvStore.open(dir.resolve("db"), StoreOptions.DEFAULTS);
    store.onChanges((revision, events) -> events.forEach(e -> heard.add(describe(e))));
  }

  @AfterEach
  void close() {
    store.close();
  }

  static Bytes b(String s) {
    return Bytes.utf8(s);
  }

  static String describe(Event e) {
    return e.type() + " " + e.kv().key().toStringUtf8() + "=" + e.kv().value().toStringUtf8() + "@" + e.revision()
        + (e.previous() == null ? "" : " prev " + e.previous().value().toStringUtf8());
  }

  private long write(Command... commands) {
    store.applyWrite(Request.Write.unsessioned(List.of(commands)), 1, ++index);
    return store.revisionOf(index);
  }

  private List<String> read(long from, String key, boolean prefix) {
    return store.history(from, b(key), prefix, 1000).events().stream().map(HistoryTest::describe).toList();
  }

  @Test
  void everyChangeIsRecordedWithItsRevisionAndPreviousValue() {
    long r1 = write(new Command.Put(b("a"), b("1")));
    long r2 = write(new Command.Put(b("a"), b("2")), new Command.Put(b("b"), b("x")));
    long r3 = write(new Command.Delete(b("a")), new Command.Delete(b("absent")));
    long r4 = write(new Command.CompareAndSet(b("b"), new Command.Expected.Value(b("x")), b("y")),
        new Command.PutIfAbsent(b("c"), b("z")), new Command.PutIfAbsent(b("b"), b("no")));
    long r5 = write(new Command.Txn(List.of(), List.of(new Command.Put(b("a/1"), b("t")), new Command.Delete(b("c"))),
        List.of()));
    List<String> all = List.of("PUT a=1@" + r1, "PUT a=2@" + r2 + " prev 1", "PUT b=x@" + r2, "DELETE a=@" + r3 + " prev 2",
        "PUT b=y@" + r4 + " prev x", "PUT c=z@" + r4, "PUT a/1=t@" + r5, "DELETE c=@" + r5 + " prev z");
    assertEquals(all, read(r1, "", true));
    assertEquals(all, heard, "the listener heard the same events, in order");
    assertEquals(List.of("PUT a=1@" + r1, "PUT a=2@" + r2 + " prev 1", "DELETE a=@" + r3 + " prev 2"), read(r1, "a", false));
    assertEquals(List.of("PUT a/1=t@" + r5), read(r1, "a/", true));
    assertEquals(all.subList(4, 8), read(r4, "", true), "from a revision on, inclusive");
    HistoryPage quiet = store.history(r1, b("nothing"), false, 1000);
    assertTrue(quiet.events().isEmpty());
    assertEquals(r5 + 1, quiet.next(), "a quiet read says nothing matched up to the applied revision");
    assertEquals(r5 + 7, store.history(r5 + 7, b(""), true, 10).next(), "a read from the future starts there");
  }

  @Test
  void pagesHoldWholeRevisions() {
    long r1 = write(new Command.Put(b("a"), b("1")), new Command.Put(b("b"), b("1")), new Command.Put(b("c"), b("1")));
    long r2 = write(new Command.Put(b("a"), b("2")));
    HistoryPage first = store.history(r1, b(""), true, 1);
    assertEquals(3, first.events().size(), "the three events of one entry are never split");
    assertEquals(r2, first.next());
    HistoryPage second = store.history(first.next(), b(""), true, 1);
    assertEquals(1, second.events().size());
    assertEquals(r2 + 1, second.next());
  }

  @Test
  void refusedAndRepeatedWritesRecordNothing() {
    store.applyAuth(new Request.AuthUpdate(new AuthChange.AddUser("alice")), new Caller("root", true), 1, ++index);
    store.applyAuth(new Request.AuthUpdate(new AuthChange.AddRole("r")), new Caller("root", true), 1, ++index);
    store.applyAuth(new Request.AuthUpdate(new AuthChange.GrantPermission("r", Permission.readWrite("app/"))),
        new Caller("root", true), 1, ++index);
    store.applyAuth(new Request.AuthUpdate(new AuthChange.GrantRole("alice", "r")), new Caller("root", true), 1, ++index);
    long first = store.revisionOf(index + 1);
    store.applyWrite(Request.Write.unsessioned(List.of(new Command.Put(b("other/x"), b("1")),
        new Command.Put(b("app/x"), b("1")))), new Caller("alice", false), 1, ++index);
    Request.Write once = new Request.Write(UUID.randomUUID(), 1, 1, List.of(new Command.Put(b("app/y"), b("1"))));
    store.applyWrite(once, 1, ++index);
    store.applyWrite(once, 1, ++index);   // a retry of the same call: answered from the session, not applied
    assertEquals(List.of("PUT app/x=1@" + first, "PUT app/y=1@" + (first + 1)), read(first, "", true));
  }

  @Test
  void compactionDropsOlderEventsAndReadsBelowItAreRefusedWithTheOldestRevision() throws Exception {
    long r1 = write(new Command.Put(b("a"), b("1")));
    long r2 = write(new Command.Put(b("a"), b("2")));
    long r3 = write(new Command.Put(b("a"), b("3")));
    assertEquals(r1, store.historyStart());
    store.applyCompact(new Request.Compact(r3), 1, ++index);
    assertEquals(r3, store.historyStart());
    HistoryPage gone = store.history(r2, b("a"), false, 10);
    assertTrue(gone.compacted());
    assertEquals(r3, gone.oldest());
    assertTrue(gone.events().isEmpty());
    assertEquals(List.of("PUT a=3@" + r3 + " prev 2"), read(r3, "a", false));
    store.applyCompact(new Request.Compact(r2), 1, ++index);   // older than the start: changes nothing
    assertEquals(r3, store.historyStart());
    store.applyCompact(new Request.Compact(Long.MAX_VALUE / 2), 1, ++index);   // clamped to its own entry
    assertEquals(store.revisionOf(index), store.historyStart());
    long r4 = write(new Command.Put(b("a"), b("4")));
    assertEquals(List.of("PUT a=4@" + r4 + " prev 3"), read(store.historyStart(), "a", false));

    store.close();
    store = RocksKvStore.open(dir.resolve("db"), StoreOptions.DEFAULTS);
    assertEquals(store.revisionOf(index - 1), store.historyStart(), "the start survives a restart");
    assertEquals(List.of("PUT a=4@" + r4 + " prev 3"), read(store.historyStart(), "a", false));
  }

  @Test
  void aNewStoresHistoryIsCompleteFromTheFirstRevision() {
    // Regression (InProcessLinearizabilityIT seed 2879): the start was set by the first write, so a watch
    // started before it, from a revision where nothing had changed, ended as compacted.
    assertEquals(1, store.historyStart());
    store.applyAlarm(new Request.Alarm("n1", true), 1, ++index);
    long watchedFrom = store.revisionOf(index) + 1;
    store.applyAlarm(new Request.Alarm("n1", false), 1, ++index);
    long r = write(new Command.Put(b("a"), b("1")));
    assertEquals(1, store.historyStart());
    HistoryPage page = store.history(watchedFrom, b(""), true, 10);
    assertFalse(page.compacted());
    assertEquals(List.of("PUT a=1@" + r), page.events().stream().map(HistoryTest::describe).toList());
    store.applyCompact(new Request.Compact(1), 1, ++index);
    assertEquals(1, store.historyStart(), "a compaction to the start changes nothing");
  }

  @Test
  void aStoreUpgradedFromBeforeHistoryVouchesForNothingBeforeItsFirstWrite() throws Exception {
    store.applyAlarm(new Request.Alarm("n1", true), 1, ++index);
    store.db().delete(store.meta(), ColumnFamilies.HISTORY_START_KEY);   // as a store from before history
    store.close();
    store = RocksKvStore.open(dir.resolve("db"), StoreOptions.DEFAULTS);
    assertEquals(store.revisionOf(index) + 1, store.historyStart(), "nothing is vouched for before the first write");
    store.applyCompact(new Request.Compact(1), 1, ++index);
    assertEquals(store.revisionOf(index) + 1, store.historyStart());
    assertTrue(store.history(1, b(""), true, 10).compacted());
    long r = write(new Command.Put(b("a"), b("1")));
    assertEquals(r, store.historyStart());
    assertFalse(store.history(r, b(""), true, 10).compacted());
  }

  @Test
  void twoReplicasHoldTheSameHistory() throws Exception {
    RocksKvStore other = RocksKvStore.open(dir.resolve("other"), StoreOptions.DEFAULTS);
    try {
      long i = 0;
      for (RocksKvStore s : List.of(store, other)) {
        i = 0;
        s.applyWrite(Request.Write.unsessioned(List.of(new Command.Put(b("a"), b("1")))), 1, ++i);
        s.applyWrite(Request.Write.unsessioned(List.of(new Command.Delete(b("a")))), 1, ++i);
        s.applyCompact(new Request.Compact(2), 1, ++i);
        s.applyWrite(Request.Write.unsessioned(List.of(new Command.Put(b("b"), b("1")))), 1, ++i);
      }
      assertArrayEquals(store.contentDigest(), other.contentDigest());
      assertNull(other.history(1, b("a"), false, 10).events().stream().findAny().orElse(null));
    } finally {
      other.close();
    }
  }
}
