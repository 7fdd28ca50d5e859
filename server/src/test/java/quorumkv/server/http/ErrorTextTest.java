package quorumkv.server.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** What error bodies may say: no Java class names, and a bounded length. */
class ErrorTextTest {
  @Test
  void classNamesAreRemovedAndTheRestKept() {
    assertEquals("get k: the deadline ran out; last failure: n2 is behind",
        ErrorText.forBody("get k: the deadline ran out; last failure: "
            + "org.apache.ratis.protocol.exceptions.StaleReadException: n2 is behind"));
    assertEquals("Cannot construct instance of  (no creator)",
        ErrorText.forBody("Cannot construct instance of `quorumkv.server.http.KvHandler$PutBody` (no creator)"));
  }

  @Test
  void plainTextWithDotsIsLeftAlone() {
    assertEquals("key too large: 5000 bytes > 4096. Shorten it.", ErrorText.forBody("key too large: 5000 bytes > 4096. Shorten it."));
    assertEquals("", ErrorText.forBody(null));
  }

  @Test
  void longMessagesAreCutToTheLimitEllipsisIncluded() {
    String text = ErrorText.forBody("x".repeat(5_000));
    assertEquals(ErrorText.MAX_CHARS, text.length());
    assertTrue(text.endsWith("..."));
    assertEquals(ErrorText.MAX_CHARS, ErrorText.forBody("y".repeat(ErrorText.MAX_CHARS)).length(), "exactly the limit: kept");
    assertEquals(ErrorText.MAX_CHARS, ErrorText.forBody("z".repeat(ErrorText.MAX_CHARS + 1)).length());
  }

  @Test
  void theResponseBodyUsesIt() {
    ApiResponse r = new ApiException(400, "bad", "java.lang.IllegalStateException: broken " + "y".repeat(1_000)).toResponse();
    String body = new String(r.body(), java.nio.charset.StandardCharsets.UTF_8);
    assertTrue(!body.contains("java.lang") && body.length() < 400, body);
  }
}
