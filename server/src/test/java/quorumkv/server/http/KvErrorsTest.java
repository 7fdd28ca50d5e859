package quorumkv.server.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import quorumkv.client.KvIndeterminateException;
import quorumkv.client.KvRejectedException;
import quorumkv.client.KvUnavailableException;
import quorumkv.raftlog.command.ErrorCode;

/**
 * The HTTP status of each client failure. Pins the one status the single request engine changed: a read
 * whose reply holds an unexpected result type was a 503 when the node served HTTP reads itself
 * (LocalReads); through the client it is a {@link KvRejectedException} with MALFORMED_REQUEST
 * (client ResultsTest), which is a 400.
 */
class KvErrorsTest {
  @Test
  void aReadWithAnUnexpectedResultIsA400NotA503() {
    ApiException e = KvErrors.toApi(new KvRejectedException(ErrorCode.MALFORMED_REQUEST,
        "expected one GetResult, the cluster answered [PutResult]", null), false);
    assertEquals(400, e.status());
    assertEquals("malformed_request", e.code());
  }

  @Test
  void unavailableIs503AndUnknownIs504() {
    assertEquals(503, KvErrors.toApi(new KvUnavailableException("no leader", null), false).status());
    ApiException unknown = KvErrors.toApi(new KvIndeterminateException("timed out", null), true);
    assertEquals(504, unknown.status());
    assertEquals("unknown", unknown.outcome());
  }

  @Test
  void oversizedIs413() {
    assertEquals(413, KvErrors.toApi(new KvRejectedException(ErrorCode.KEY_TOO_LARGE, "key too large", null), true)
        .status());
  }
}
