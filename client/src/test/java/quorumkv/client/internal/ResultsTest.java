package quorumkv.client.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;
import quorumkv.client.KvIndeterminateException;
import quorumkv.client.KvRejectedException;
import quorumkv.raftlog.command.ErrorCode;
import quorumkv.raftlog.command.Response;
import quorumkv.raftlog.command.Result;

/**
 * A reply whose result is not the type the call asked for is a protocol mismatch: a read is rejected as
 * malformed (nothing to retry: the same request gets the same answer), a write's outcome is unknown. The
 * HTTP front reads through the client too, so this is also what it answers (KvErrorsTest: 400).
 */
class ResultsTest {
  private static final Response.Ok PUT_ANSWER = new Response.Ok(7, List.of(new Result.PutResult(7, null)));

  @Test
  void aReadAnsweredWithTheWrongResultTypeIsRejectedAsMalformed() {
    KvRejectedException get = assertThrows(KvRejectedException.class, () -> Results.get(PUT_ANSWER));
    assertEquals(ErrorCode.MALFORMED_REQUEST, get.code());
    KvRejectedException range = assertThrows(KvRejectedException.class, () -> Results.range(PUT_ANSWER));
    assertEquals(ErrorCode.MALFORMED_REQUEST, range.code());
  }

  @Test
  void aWriteAnsweredWithTheWrongResultTypeHasAnUnknownOutcome() {
    Response.Ok getAnswer = new Response.Ok(7, List.of(new Result.GetResult(null)));
    assertThrows(KvIndeterminateException.class, () -> Results.put(getAnswer));
  }
}
