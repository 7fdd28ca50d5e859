package quorumkv.raftlog.statemachine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.ratis.proto.RaftProtos.LogEntryProto;
import org.apache.ratis.proto.RaftProtos.StateMachineLogEntryProto;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.statemachine.TransactionContext;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;
import org.apache.ratis.util.SizeInBytes;
import org.apache.ratis.util.FileUtils;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import quorumkv.raftlog.command.Bytes;
import quorumkv.raftlog.command.Command;
import quorumkv.raftlog.command.ErrorCode;
import quorumkv.raftlog.command.Request;
import quorumkv.raftlog.command.RequestCodec;
import quorumkv.raftlog.command.RequestLimits;
import quorumkv.raftlog.command.RequestRefusedException;
import quorumkv.raftlog.command.Response;
import quorumkv.raftlog.command.Result;
import quorumkv.raftlog.command.ResultCodec;
import quorumkv.raftlog.store.RocksKvStore;
import quorumkv.raftlog.store.StoreOptions;

/** The state machine through apply, snapshot, restore and restart, with Ratis storage but no network. */
class KvStateMachineTest {
  @TempDir
  Path dir;
  private final UUID session = UUID.randomUUID();

  private RaftStorage storage;

  /** Opens the state machine as a node start does, releasing the previous storage lock first. */
  private KvStateMachine open(Path db, RaftStorage.StartupOption option) throws Exception {
    if (storage != null) {
      storage.close();
    }
    storage = RaftStorage.newBuilder().setDirectory(dir.resolve("raft").toFile())
        .setOption(option).setStorageFreeSpaceMin(SizeInBytes.valueOf(0)).build();
    storage.initialize();
    KvStateMachine sm = new KvStateMachine(db, StoreOptions.DEFAULTS, RequestLimits.DEFAULTS);
    sm.initialize(fakeServer(), RaftGroupId.randomId(), storage);
    return sm;
  }

  /**
   * BaseStateMachine asks its server for the id (for log lines), and a read asks whether this member
   * leads (a leader checks it may still answer): it follows here. Nothing else is needed.
   */
  private static org.apache.ratis.server.RaftServer fakeServer() {
    return (org.apache.ratis.server.RaftServer) java.lang.reflect.Proxy.newProxyInstance(
        KvStateMachineTest.class.getClassLoader(), new Class<?>[] {org.apache.ratis.server.RaftServer.class},
        (proxy, method, args) -> {
          if (method.getName().equals("getId")) {
            return org.apache.ratis.protocol.RaftPeerId.valueOf("test");
          }
          if (method.getName().equals("getDivision")) {
            return fake(org.apache.ratis.server.RaftServer.Division.class, "getInfo",
                fake(org.apache.ratis.server.DivisionInfo.class, "isLeader", false));
          }
          if (method.getName().equals("toString")) {
            return "fake-server";
          }
          throw new UnsupportedOperationException(method.getName());
        });
  }

  /** A stand-in for {@code type} whose {@code method} returns {@code value}; anything else is unsupported. */
  private static <T> T fake(Class<T> type, String method, Object value) {
    return type.cast(java.lang.reflect.Proxy.newProxyInstance(KvStateMachineTest.class.getClassLoader(),
        new Class<?>[] {type}, (proxy, m, args) -> {
          if (m.getName().equals(method)) {
            return value;
          }
          throw new UnsupportedOperationException(m.getName());
        }));
  }

  private Response apply(KvStateMachine sm, long index, long call) throws Exception {
    Request.Write w = new Request.Write(session, call, call,
        List.of(new Command.Put(Bytes.utf8("k" + (call % 10)), Bytes.utf8("v" + call))));
    LogEntryProto entry = LogEntryProto.newBuilder().setTerm(1).setIndex(index)
        .setStateMachineLogEntry(StateMachineLogEntryProto.newBuilder()
            .setLogData(ByteString.copyFrom(RequestCodec.encode(w)))).build();
    TransactionContext trx = TransactionContext.newBuilder().setStateMachine(sm).setLogEntry(entry).build();
    Message reply = sm.applyTransaction(trx).get();
    return ResultCodec.decodeResponse(reply.getContent().toByteArray());
  }

  private static String get(KvStateMachine sm, String key) throws Exception {
    Message q = Message.valueOf(ByteString.copyFrom(RequestCodec.encode(
        new Request.Read(List.of(new Command.Get(Bytes.utf8(key)))))));
    var ok = (Response.Ok) ResultCodec.decodeResponse(sm.query(q).get().getContent().toByteArray());
    var kv = ((Result.GetResult) ok.results().get(0)).kv();
    return kv == null ? null : kv.value().toStringUtf8();
  }

  @Test
  void applySnapshotRestoreAndRestartWithoutReapplying() throws Exception {
    Path db = dir.resolve("db");
    KvStateMachine sm = open(db, RaftStorage.StartupOption.FORMAT);
    for (long i = 1; i <= 50; i++) {
      assertTrue(apply(sm, i, i) instanceof Response.Ok);
    }
    assertEquals(50, sm.takeSnapshot());
    assertNotNull(sm.getLatestSnapshot());
    for (long i = 51; i <= 60; i++) {
      apply(sm, i, i);
    }
    byte[] at60 = sm.withStore(RocksKvStore::contentDigest);
    Response recorded55 = sm.withStore(s -> s.replayedResponse(new Request.Write(session, 55, 55, List.of())));
    sm.close();

    // Restart on the same db: Ratis replays from the snapshot (51..60); nothing is applied twice.
    KvStateMachine restarted = open(db, RaftStorage.StartupOption.RECOVER);
    assertEquals(60, restarted.getLastAppliedTermIndex().getIndex());
    // Replay also passes entries without data (configuration, a leader's first entry) below the applied
    // index: they must be skipped, not rejected (that killed Ratis's apply thread after a kill -9).
    restarted.notifyTermIndexUpdated(1, 0);
    restarted.notifyTermIndexUpdated(1, 30);
    assertEquals(60, restarted.getLastAppliedTermIndex().getIndex());
    for (long i = 51; i <= 60; i++) {
      Response replayed = apply(restarted, i, i);
      if (i == 55) {
        assertEquals(recorded55, replayed, "a replayed entry answers with its recorded result");
      }
    }
    assertArrayEquals(at60, restarted.withStore(RocksKvStore::contentDigest), "replay changed nothing");
    assertEquals("v60", get(restarted, "k0"));
    restarted.close();

    // The live db is lost: the node rebuilds it from the snapshot and then applies the rest of the log.
    FileUtils.deleteFully(db);
    KvStateMachine rebuilt = open(db, RaftStorage.StartupOption.RECOVER);
    assertEquals(50, rebuilt.getLastAppliedTermIndex().getIndex());
    assertEquals("v50", get(rebuilt, "k0"));
    for (long i = 51; i <= 60; i++) {
      apply(rebuilt, i, i);
    }
    assertArrayEquals(at60, rebuilt.withStore(RocksKvStore::contentDigest), "snapshot plus log equals the original");
    rebuilt.close();
  }

  @Test
  void reinitializeLoadsAnInstalledSnapshot() throws Exception {
    Path db = dir.resolve("db");
    KvStateMachine sm = open(db, RaftStorage.StartupOption.FORMAT);
    for (long i = 1; i <= 20; i++) {
      apply(sm, i, i);
    }
    sm.takeSnapshot();
    byte[] at20 = sm.withStore(RocksKvStore::contentDigest);
    for (long i = 21; i <= 30; i++) {
      apply(sm, i, i);
    }
    // As after an install: pause, then reinitialize from the newest snapshot directory.
    sm.pause();
    sm.reinitialize();
    assertEquals(20, sm.getLastAppliedTermIndex().getIndex());
    assertArrayEquals(at20, sm.withStore(RocksKvStore::contentDigest));
    assertTrue(Files.isDirectory(db));
    sm.close();
  }

  @Test
  void malformedAndOversizedRequestsAreRefusedBeforeTheLog() throws Exception {
    KvStateMachine sm = open(dir.resolve("db"), RaftStorage.StartupOption.FORMAT);
    var request = org.apache.ratis.protocol.RaftClientRequest.newBuilder()
        .setClientId(org.apache.ratis.protocol.ClientId.randomId())
        .setServerId(org.apache.ratis.protocol.RaftPeerId.valueOf("n1"))
        .setGroupId(RaftGroupId.randomId()).setCallId(1)
        .setMessage(Message.valueOf(ByteString.copyFrom(new byte[] {1, 1, 0})))
        .setType(org.apache.ratis.protocol.RaftClientRequest.writeRequestType()).build();
    var trx = sm.startTransaction(request);
    assertNotNull(trx.getException());
    assertEquals(ErrorCode.MALFORMED_REQUEST, assertInstanceOf(RequestRefusedException.class, trx.getException()).code());
    byte[] big = RequestCodec.encode(Request.Write.unsessioned(
        List.of(new Command.Put(Bytes.utf8("k"), Bytes.wrap(new byte[RequestLimits.DEFAULT_MAX_VALUE_BYTES + 1])))));
    var oversized = org.apache.ratis.protocol.RaftClientRequest.newBuilder().setClientId(request.getClientId())
        .setServerId(request.getServerId()).setGroupId(request.getRaftGroupId()).setCallId(2)
        .setMessage(Message.valueOf(ByteString.copyFrom(big)))
        .setType(org.apache.ratis.protocol.RaftClientRequest.writeRequestType()).build();
    assertEquals(ErrorCode.VALUE_TOO_LARGE,
        assertInstanceOf(RequestRefusedException.class, sm.startTransaction(oversized).getException()).code());
    sm.close();
  }

  /**
   * A snapshot install never closes the store under a reader: it waits for the reader's call to return,
   * readers arriving meanwhile get StoreUnavailableException, and after close every call does.
   */
  @Test
  void storeSwapWaitsForReadersAndRefusesNewOnes() throws Exception {
    KvStateMachine sm = open(dir.resolve("db"), RaftStorage.StartupOption.FORMAT);
    for (long i = 1; i <= 20; i++) {
      apply(sm, i, i);
    }
    sm.takeSnapshot();
    byte[] at20 = sm.withStore(RocksKvStore::contentDigest);
    for (long i = 21; i <= 30; i++) {
      apply(sm, i, i);
    }
    CountDownLatch inside = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    ExecutorService threads = Executors.newFixedThreadPool(2);
    try {
      Future<byte[]> reader = threads.submit(() -> sm.withStore(store -> {
        inside.countDown();
        await(release);
        return store.contentDigest(); // still open: the swap waits for this call
      }));
      assertTrue(inside.await(10, TimeUnit.SECONDS));
      Future<?> install = threads.submit(() -> {
        sm.pause();
        sm.reinitialize();
        return null;
      });
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (true) {
        try {
          sm.withStore(RocksKvStore::applied);
        } catch (StoreUnavailableException expected) {
          break; // the install has begun and refuses new readers
        }
        assertTrue(System.nanoTime() < deadline, "the install never started");
        Thread.sleep(5);
      }
      assertTrue(sm.isStoreOpen(), "a store being replaced still counts as open (liveness)");
      assertFalse(install.isDone(), "the install waits for the reader");
      release.countDown();
      assertEquals(32, reader.get(10, TimeUnit.SECONDS).length);
      install.get(10, TimeUnit.SECONDS);
    } finally {
      release.countDown();
      threads.shutdownNow();
    }
    assertArrayEquals(at20, sm.withStore(RocksKvStore::contentDigest));
    sm.close();
    assertFalse(sm.isStoreOpen());
    assertThrows(StoreUnavailableException.class, () -> sm.withStore(RocksKvStore::applied));
  }

  private static void await(CountDownLatch latch) {
    try {
      latch.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
