package quorumkv.raftlog.statemachine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import org.apache.ratis.proto.RaftProtos.LogEntryProto;
import org.apache.ratis.proto.RaftProtos.StateMachineLogEntryProto;
import org.apache.ratis.protocol.ClientId;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientRequest;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.statemachine.TransactionContext;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;
import org.apache.ratis.util.SizeInBytes;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import quorumkv.raftlog.command.Bytes;
import quorumkv.raftlog.command.Command;
import quorumkv.raftlog.command.ErrorCode;
import quorumkv.raftlog.command.Request;
import quorumkv.raftlog.command.RequestCodec;
import quorumkv.raftlog.command.RequestLimits;
import quorumkv.raftlog.command.RequestRefusedException;
import quorumkv.raftlog.store.StoreOptions;

/**
 * Free-space alarms travel through the log and gate writes on the leader: refused before the log with
 * NO_SPACE once fewer than a majority of voters has space, NODE_DEGRADED while only this leader is low;
 * alarms survive a restart (they are in RocksDB with the applied index); alarm entries are admitted always.
 */
class SpaceAlarmTest {
  @TempDir
  Path dir;
  private RaftStorage storage;
  private long index;

  /** Three voters n1..n3, without a Ratis server. */
  private KvStateMachine open(RaftStorage.StartupOption option) throws Exception {
    if (storage != null) {
      storage.close();
    }
    storage = RaftStorage.newBuilder().setDirectory(dir.resolve("raft").toFile())
        .setOption(option).setStorageFreeSpaceMin(SizeInBytes.valueOf(0)).build();
    storage.initialize();
    KvStateMachine sm = new KvStateMachine(dir.resolve("db"), StoreOptions.DEFAULTS, RequestLimits.DEFAULTS) {
      @Override
      protected Collection<String> voterIds() {
        return List.of("n1", "n2", "n3");
      }
    };
    sm.initialize((org.apache.ratis.server.RaftServer) java.lang.reflect.Proxy.newProxyInstance(
        getClass().getClassLoader(), new Class<?>[] {org.apache.ratis.server.RaftServer.class},
        (proxy, method, args) -> method.getName().equals("getId") ? RaftPeerId.valueOf("n1") : "fake-server"),
        RaftGroupId.randomId(), storage);
    return sm;
  }

  @AfterEach
  void closeStorage() throws Exception {
    if (storage != null) {
      storage.close();
    }
  }

  private void apply(KvStateMachine sm, Request request) throws Exception {
    LogEntryProto entry = LogEntryProto.newBuilder().setTerm(1).setIndex(++index)
        .setStateMachineLogEntry(StateMachineLogEntryProto.newBuilder()
            .setLogData(ByteString.copyFrom(RequestCodec.encode(request)))).build();
    sm.applyTransaction(TransactionContext.newBuilder().setStateMachine(sm).setLogEntry(entry).build()).get();
  }

  /** What the leader sets on a new transaction for {@code request}: null if admitted. */
  private static Exception admit(KvStateMachine sm, Request request) throws Exception {
    RaftClientRequest r = RaftClientRequest.newBuilder().setClientId(ClientId.randomId())
        .setServerId(RaftPeerId.valueOf("n1")).setGroupId(RaftGroupId.randomId()).setCallId(1)
        .setMessage(Message.valueOf(ByteString.copyFrom(RequestCodec.encode(request))))
        .setType(RaftClientRequest.writeRequestType()).build();
    return sm.startTransaction(r).getException();
  }

  private static Request put() {
    return Request.Write.unsessioned(List.of(new Command.Put(Bytes.utf8("k"), Bytes.utf8("v"))));
  }

  @Test
  void aMajorityOutOfSpaceRefusesWritesUntilAnAlarmClears() throws Exception {
    KvStateMachine sm = open(RaftStorage.StartupOption.FORMAT);
    assertNull(admit(sm, put()));
    apply(sm, new Request.Alarm("n2", true));
    assertEquals(Set.of("n2"), sm.noSpaceAlarms());
    assertNull(admit(sm, put()), "two of three voters have space: writes go on");

    apply(sm, new Request.Alarm("n3", true));
    Exception refused = admit(sm, put());
    var noSpace = assertInstanceOf(RequestRefusedException.NoSpaceException.class, refused);
    assertEquals(ErrorCode.NO_SPACE, noSpace.code());
    assertTrue(noSpace.getMessage().contains("n2, n3"), noSpace.getMessage());
    assertNull(admit(sm, new Request.Alarm("n3", false)), "alarms are admitted even while writes are refused");

    apply(sm, new Request.Alarm("n3", false));
    apply(sm, new Request.Alarm("n3", false)); // clearing twice only moves the applied index
    assertNull(admit(sm, put()));
    assertEquals(index, sm.getLastAppliedTermIndex().getIndex());
    sm.close();
  }

  @Test
  void aLeaderBelowItsOwnFloorSendsWritesElsewhere() throws Exception {
    KvStateMachine sm = open(RaftStorage.StartupOption.FORMAT);
    sm.setLocalNoSpace(true);
    var degraded = assertInstanceOf(RequestRefusedException.NodeDegradedException.class, admit(sm, put()));
    assertEquals(ErrorCode.NODE_DEGRADED, degraded.code());
    sm.setLocalNoSpace(false);
    assertNull(admit(sm, put()));
    sm.close();
  }

  @Test
  void alarmsSurviveARestart() throws Exception {
    KvStateMachine sm = open(RaftStorage.StartupOption.FORMAT);
    apply(sm, new Request.Alarm("n1", true));
    apply(sm, new Request.Alarm("n3", true));
    apply(sm, new Request.Alarm("n1", false));
    sm.close();
    KvStateMachine restarted = open(RaftStorage.StartupOption.RECOVER);
    assertEquals(Set.of("n3"), restarted.noSpaceAlarms());
    assertEquals(3, restarted.getLastAppliedTermIndex().getIndex());
    restarted.close();
  }
}
