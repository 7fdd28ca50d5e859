package quorumkv.raftlog.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rocksdb.PerfContext;
import org.rocksdb.PerfLevel;
import quorumkv.raftlog.command.Bytes;
import quorumkv.raftlog.command.Command;
import quorumkv.raftlog.command.Request;
import quorumkv.raftlog.command.Response;

/**
 * The work of a session's write must not grow with the calls sessions made before. Each write deletes
 * the record of the call it acknowledges; RocksDB keeps a tombstone per deletion until a compaction, and a
 * scan for "this session's records below the mark" used to step over every tombstone of the sessions after
 * it in key order (and its own): a lone writer's apply cost grew with every write, and half of every
 * node's CPU at one write in flight went there (async-profiler, issue 16). Counted here with RocksDB's
 * perf context (tombstones stepped over), not timed.
 */
class SessionCostTest {
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

  private Response put(UUID session, long call, long firstUnacked, String key) {
    return store.applyWrite(new Request.Write(session, call, firstUnacked,
        List.of(new Command.Put(Bytes.utf8(key), Bytes.utf8("v" + call)))), 1, ++index);
  }

  @Test
  void aWriteStepsOverNoTombstonesOfEarlierCalls() {
    UUID early = new UUID(1, 1);   // sorts before busy: its scan used to run into busy's tombstones
    UUID busy = new UUID(2, 2);
    put(early, 1, 1, "e");
    for (long call = 1; call <= 2_000; call++) {
      put(busy, call, call, "b");  // each call acknowledges the one before: 1,999 tombstones
    }
    store.db().setPerfLevel(PerfLevel.ENABLE_COUNT);
    try {
      PerfContext perf = store.db().getPerfContext();
      perf.reset();
      put(early, 2, 2, "e");
      put(busy, 2_001, 2_001, "b");
      long skipped = perf.getInternalDeleteSkippedCount();
      assertTrue(skipped < 50, "tombstones stepped over by two writes: " + skipped);
    } finally {
      store.db().setPerfLevel(PerfLevel.DISABLE);
    }
    // Still exactly once: the acknowledged records are gone, the outstanding one answers a retry.
    assertEquals(put(busy, 2_001, 2_001, "b"), store.replayedResponse(new Request.Write(busy, 2_001, 2_001,
        List.of(new Command.Put(Bytes.utf8("b"), Bytes.utf8("v2001"))))));
    assertEquals(2_001, ((quorumkv.raftlog.command.Result.GetResult) ((Response.Ok) store.read(new Request.Read(
        List.of(new Command.Get(Bytes.utf8("b")))))).results().get(0)).kv().version());
  }

  @Test
  void acknowledgingManyCallsAtOnceForgetsThemAllAndOnlyThem() {
    UUID s = new UUID(3, 3);
    UUID next = new UUID(3, 4);
    put(next, 1, 1, "n");
    for (long call = 1; call <= 200; call++) {
      put(s, call, 1, "k" + call);   // none acknowledged yet: 200 records
    }
    put(s, 201, 201, "k201");         // acknowledges 1..200 at once: more than the point deletes
    var stale = (Response.Failed) put(s, 150, 150, "k150");
    assertEquals(quorumkv.raftlog.command.ErrorCode.STALE_CALL, stale.code());
    assertNull(recordedOrNull(s, 200));
    assertTrue(store.replayedResponse(new Request.Write(next, 1, 1, List.of())) instanceof Response.Ok,
        "the next session's record is untouched");
  }

  private Response recordedOrNull(UUID session, long call) {
    Response r = store.replayedResponse(new Request.Write(session, call, call, List.of()));
    return r instanceof Response.Failed f && f.code() == quorumkv.raftlog.command.ErrorCode.RESULT_NOT_RECORDED ? null : r;
  }
}
