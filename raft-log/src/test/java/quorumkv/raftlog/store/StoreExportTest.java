package quorumkv.raftlog.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import quorumkv.raftlog.command.Bytes;
import quorumkv.raftlog.command.Command;
import quorumkv.raftlog.command.KeyValue;
import quorumkv.raftlog.command.Request;
import quorumkv.raftlog.command.Response;
import quorumkv.raftlog.command.Result;

/** Export of a consistent state and seeding a new store from it, continuing its revisions. */
class StoreExportTest {
  @TempDir
  Path dir;

  private static Response.Ok write(RocksKvStore store, long index, Command c) {
    return (Response.Ok) store.applyWrite(Request.Write.unsessioned(List.of(c)), 1, index);
  }

  private static List<KeyValue> exportAll(RocksKvStore store, long[] revision) throws IOException {
    List<KeyValue> out = new ArrayList<>();
    StoreTransfer.export(store, new StoreTransfer.ExportSink() {
      @Override
      public void begin(AppliedIndex applied, long rev) {
        revision[0] = rev;
      }

      @Override
      public void auth(quorumkv.raftlog.command.AuthState state) {}

      @Override
      public void entry(KeyValue kv) {
        out.add(kv);
      }
    });
    return out;
  }

  @Test
  void seededStoreHoldsTheExportAndContinuesAboveItsRevision() throws IOException {
    List<KeyValue> exported;
    long[] revision = new long[1];
    try (RocksKvStore source = RocksKvStore.open(dir.resolve("a"), StoreOptions.DEFAULTS)) {
      write(source, 1, new Command.Put(Bytes.utf8("x"), Bytes.utf8("1")));
      write(source, 2, new Command.Put(Bytes.utf8("y"), Bytes.wrap(new byte[] {0, (byte) 0xFF})));
      write(source, 3, new Command.Put(Bytes.utf8("x"), Bytes.utf8("2")));
      write(source, 4, new Command.Delete(Bytes.utf8("y")));
      write(source, 5, new Command.Put(Bytes.utf8("z"), Bytes.utf8("3")));
      exported = exportAll(source, revision);
    }
    assertEquals(5, revision[0]);
    assertEquals(List.of("x", "z"), exported.stream().map(kv -> kv.key().toStringUtf8()).toList());
    assertEquals(new KeyValue(Bytes.utf8("x"), Bytes.utf8("2"), 1, 3, 2), exported.get(0));

    StoreTransfer.seed(dir.resolve("b"), StoreOptions.DEFAULTS, revision[0], exported.iterator());
    try (RocksKvStore restored = RocksKvStore.open(dir.resolve("b"), StoreOptions.DEFAULTS)) {
      assertEquals(AppliedIndex.NONE, restored.applied());
      long[] again = new long[1];
      assertEquals(exported, exportAll(restored, again));
      assertEquals(5, again[0], "an empty log continues at the backup's revision");
      assertEquals(6, restored.historyStart(), "what led to the backup is not in it: the history starts after");
      assertTrue(restored.history(5, Bytes.utf8(""), true, 10).compacted());
      Response.Ok ok = write(restored, 1, new Command.CompareAndSet(Bytes.utf8("x"),
          new Command.Expected.Revision(3), Bytes.utf8("after")));
      Result.CasResult cas = (Result.CasResult) ok.results().get(0);
      assertTrue(cas.succeeded(), "CAS against the backed-up mod revision works after restore");
      assertEquals(6, cas.revision());
    }
  }

  @Test
  void keysAttachedToALeaseAreLeftOut() throws IOException {
    try (RocksKvStore source = RocksKvStore.open(dir.resolve("leased"), StoreOptions.DEFAULTS)) {
      long lease = ((Result.LeaseResult) write(source, 1, Command.Lease.grant(5000)).results().get(0)).id();
      write(source, 2, new Command.Put(Bytes.utf8("lock/a"), Bytes.utf8("held"), lease));
      write(source, 3, new Command.Put(Bytes.utf8("config"), Bytes.utf8("kept")));
      write(source, 4, new Command.Put(Bytes.utf8("was-leased"), Bytes.utf8("1"), lease));
      write(source, 5, new Command.Put(Bytes.utf8("was-leased"), Bytes.utf8("2"))); // detached: permanent now
      assertEquals(List.of("config", "was-leased"),
          exportAll(source, new long[1]).stream().map(kv -> kv.key().toStringUtf8()).toList());
    }
  }

  @Test
  void seedRefusesANonEmptyDirectoryAndRevisionsAboveTheOffset() throws IOException {
    try (RocksKvStore s = RocksKvStore.open(dir.resolve("used"), StoreOptions.DEFAULTS)) {
      write(s, 1, new Command.Put(Bytes.utf8("k"), Bytes.utf8("v")));
    }
    assertThrows(IOException.class, () -> StoreTransfer.seed(dir.resolve("used"), StoreOptions.DEFAULTS, 1,
        List.<KeyValue>of().iterator()));
    KeyValue future = new KeyValue(Bytes.utf8("k"), Bytes.utf8("v"), 9, 9, 1);
    assertThrows(IOException.class, () -> StoreTransfer.seed(dir.resolve("fresh"), StoreOptions.DEFAULTS, 5,
        List.of(future).iterator()));
  }
}
