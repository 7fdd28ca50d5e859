package quorumkv.server.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * Error messages quote at most {@link Quote#SHOWN} characters of anything the caller sent, then its
 * length (README: "a message quotes at most a short prefix of what you sent"). Found by
 * MalformedRequestsIT: a 405 quoted 200 characters of the path, and parameters, methods, JSON fields and
 * content types were quoted whole up to the 300-character cap.
 */
class QuotedInputTest {
  private static final String LONG = "x".repeat(5_000);
  private static final String TOO_MUCH = "x".repeat(Quote.SHOWN + 1);

  private static String messageOf(Executable call) {
    return assertThrows(ApiException.class, call).getMessage();
  }

  private static void assertQuotedShort(String message) {
    assertFalse(message.contains(TOO_MUCH), message);
    assertTrue(message.contains("(5000 chars)") || message.contains("(5001 chars)"), "says how long: " + message);
  }

  private static ApiRequest get(Map<String, List<String>> query) {
    return new ApiRequest("GET", "/v1/kv/a", query, null, new byte[0]);
  }

  @Test
  void routerQuotesPathAndMethodShort() {
    Router router = new Router().exact("one", "/one", Set.of("GET"), request -> null);
    assertQuotedShort(router.match("GET", "/" + LONG).error().getMessage());
    assertQuotedShort(router.match(LONG, "/one").error().getMessage());
  }

  @Test
  void parametersAreQuotedShort() {
    assertQuotedShort(messageOf(() -> get(Map.of(LONG, List.of("1"))).allowOnly("limit")));
    assertQuotedShort(messageOf(() -> get(Map.of("limit", List.of(LONG))).longParam("limit", 0)));
    assertQuotedShort(messageOf(() -> ReadParams.of(get(Map.of("consistency", List.of(LONG))))));
    assertQuotedShort(messageOf(() -> KeyCodec.encoding(get(Map.of("encoding", List.of(LONG))))));
    assertQuotedShort(messageOf(() -> Percent.query(LONG + "=%zz")));
  }

  @Test
  void jsonFieldsAreQuotedShort() {
    record Body(String value) {}
    assertQuotedShort(messageOf(() -> Json.parse(("{\"" + LONG + "\":1}").getBytes(), Body.class)));
  }

  @Test
  void shortInputIsQuotedWhole() {
    assertEquals("abc", Quote.of("abc"));
    assertEquals("x".repeat(Quote.SHOWN), Quote.of("x".repeat(Quote.SHOWN)));
  }
}
