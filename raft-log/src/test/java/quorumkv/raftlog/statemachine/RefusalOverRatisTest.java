package quorumkv.raftlog.statemachine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.util.List;
import org.apache.ratis.client.impl.ClientProtoUtils;
import org.apache.ratis.protocol.ClientId;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftClientRequest;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftGroupMemberId;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.protocol.exceptions.StateMachineException;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;
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
 * A refusal set in {@code startTransaction} reaches the client as the same type with the same code:
 * Ratis's server wraps it in a StateMachineException, and its client rebuilds the cause from the class
 * name and the {@code (String)} constructor (ClientProtoUtils.toStateMachineException with
 * ReflectionUtils.instantiateException). Runs Ratis's own reply conversion, without a cluster.
 */
class RefusalOverRatisTest {
  private static final RaftGroupMemberId LEADER = RaftGroupMemberId.valueOf(RaftPeerId.valueOf("n1"), RaftGroupId.randomId());

  @TempDir
  Path dir;

  @Test
  void everyRefusalBeforeTheLogSurvivesTheReplyConversion() throws Exception {
    List<ErrorCode> refused = List.of(ErrorCode.MALFORMED_REQUEST, ErrorCode.KEY_TOO_LARGE, ErrorCode.VALUE_TOO_LARGE,
        ErrorCode.TOO_MANY_OPERATIONS, ErrorCode.REQUEST_TOO_LARGE, ErrorCode.INVALID_ARGUMENT,
        ErrorCode.NO_SPACE, ErrorCode.NODE_DEGRADED);
    for (ErrorCode code : refused) {
      RequestRefusedException sent = RequestRefusedException.of(code, "refused: " + code);
      RequestRefusedException received = overTheWire(sent);
      assertSame(sent.getClass(), received.getClass());
      assertEquals(code, received.code());
      assertEquals(sent.getMessage(), received.getMessage());
    }
  }

  @Test
  void onlyCodesRefusedBeforeTheLogHaveARefusalType() {
    assertThrows(IllegalArgumentException.class, () -> RequestRefusedException.of(ErrorCode.SESSION_EXPIRED, "x"));
    assertThrows(IllegalArgumentException.class, () -> RequestRefusedException.of(ErrorCode.STALE_CALL, "x"));
  }

  @Test
  void theStateMachinesOwnRefusalArrivesTyped() throws Exception {
    KvStateMachine sm = new KvStateMachine(dir.resolve("db"), StoreOptions.DEFAULTS, RequestLimits.DEFAULTS);
    byte[] oversized = RequestCodec.encode(Request.Write.unsessioned(List.of(
        new Command.Put(Bytes.wrap(new byte[RequestLimits.DEFAULT_MAX_KEY_BYTES + 1]), Bytes.EMPTY))));
    RaftClientRequest request = RaftClientRequest.newBuilder().setClientId(ClientId.randomId())
        .setServerId(LEADER.getPeerId()).setGroupId(LEADER.getGroupId()).setCallId(1)
        .setMessage(Message.valueOf(ByteString.copyFrom(oversized)))
        .setType(RaftClientRequest.writeRequestType()).build();
    Exception set = sm.startTransaction(request).getException();
    assertNotNull(set);
    RequestRefusedException received = overTheWire(set);
    assertInstanceOf(RequestRefusedException.KeyTooLargeException.class, received);
    assertEquals(ErrorCode.KEY_TOO_LARGE, received.code());
  }

  /** As RaftServerImpl answers a refused transaction, then as the client decodes the reply bytes. */
  private static RequestRefusedException overTheWire(Exception refusal) throws Exception {
    RaftClientReply reply = RaftClientReply.newBuilder().setClientId(ClientId.randomId()).setServerId(LEADER)
        .setCallId(1).setSuccess(false).setException(new StateMachineException(LEADER, refusal)).build();
    byte[] bytes = ClientProtoUtils.toRaftClientReplyProto(reply).toByteArray();
    RaftClientReply decoded = ClientProtoUtils.toRaftClientReply(java.nio.ByteBuffer.wrap(bytes));
    StateMachineException e = decoded.getStateMachineException();
    assertNotNull(e, "the reply carries a state machine exception");
    return assertInstanceOf(RequestRefusedException.class, e.getCause(), "rebuilt by class name: " + e);
  }
}
