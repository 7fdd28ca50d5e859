package quorumkv.server.http;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import quorumkv.raftlog.command.Bytes;
import quorumkv.raftlog.command.KeyValue;

/** The encoding rules of keys and values over HTTP. */
class KeyCodecTest {
  @Test
  void pathKeysArePercentEncodedUtf8WithPlusAndSlashLiteral() throws ApiException {
    assertEquals(Bytes.utf8("a/b+c é"), KeyCodec.urlKey("a/b+c%20%C3%A9", KeyCodec.Encoding.UTF8, "key"));
    assertEquals("bad_encoding", assertThrows(ApiException.class,
        () -> KeyCodec.urlKey("%FF", KeyCodec.Encoding.UTF8, "key")).code());
    assertThrows(ApiException.class, () -> KeyCodec.urlKey("a%2", KeyCodec.Encoding.UTF8, "key"));
    assertThrows(ApiException.class, () -> KeyCodec.urlKey("a%zz", KeyCodec.Encoding.UTF8, "key"));
  }

  @Test
  void base64KeysAreUrlSafeWithOptionalPadding() throws ApiException {
    assertArrayEquals(new byte[] {0, (byte) 0xFF, (byte) 0xFE}, KeyCodec.urlKey("AP_-", KeyCodec.Encoding.BASE64, "k").toByteArray());
    assertArrayEquals(new byte[] {1}, KeyCodec.urlKey("AQ", KeyCodec.Encoding.BASE64, "k").toByteArray());
    assertArrayEquals(new byte[] {1}, KeyCodec.urlKey("AQ%3D%3D", KeyCodec.Encoding.BASE64, "k").toByteArray());
    assertEquals("bad_key", assertThrows(ApiException.class, () -> KeyCodec.urlKey("A*", KeyCodec.Encoding.BASE64, "k")).code());
  }

  @Test
  void bodiesCarryExactlyOneFormOfEachField() throws ApiException {
    assertEquals(Bytes.utf8("v"), KeyCodec.bodyBytes("v", null, "value", true));
    assertEquals(Bytes.wrap(new byte[] {0}), KeyCodec.bodyBytes(null, "AA==", "value", true));
    assertThrows(ApiException.class, () -> KeyCodec.bodyBytes("v", "AA==", "value", true));
    assertThrows(ApiException.class, () -> KeyCodec.bodyBytes(null, null, "value", true));
    assertThrows(ApiException.class, () -> KeyCodec.bodyBytes(null, "not base64!", "value", true));
  }

  @Test
  void responsesUseTextOnlyForValidUtf8UnlessBase64WasAsked() {
    KeyValue kv = new KeyValue(Bytes.utf8("k"), Bytes.wrap(new byte[] {(byte) 0xC3, 0x28}), 1, 2, 3);
    var utf8 = KeyCodec.keyValue(kv, KeyCodec.Encoding.UTF8);
    assertEquals("k", utf8.get("key").asText());
    assertFalse(utf8.has("value"));
    assertEquals("wyg=", utf8.get("value_base64").asText());
    var b64 = KeyCodec.keyValue(kv, KeyCodec.Encoding.BASE64);
    assertEquals("aw==", b64.get("key_base64").asText());
    assertFalse(b64.has("key"));
    assertEquals(2, b64.get("mod_revision").asLong());
  }

  @Test
  void queryParsingIsStrictAndKeepsRepeats() throws ApiException {
    Map<String, List<String>> q = Percent.query("prefix=a%2Fb&limit=5&x&limit=6");
    assertEquals(List.of("a/b"), q.get("prefix"));
    assertEquals(List.of("5", "6"), q.get("limit"));
    assertEquals(List.of(""), q.get("x"));
    assertThrows(ApiException.class, () -> Percent.query("a=%E2%82"));
    ApiRequest r = new ApiRequest("GET", "/", q, null, new byte[0]);
    assertThrows(ApiException.class, () -> r.param("limit"));
    assertThrows(ApiException.class, () -> r.allowOnly("prefix"));
  }

  @Test
  void routerPrefersExactRoutesAndAnswers404And405() {
    Handler h = req -> null;
    Router router = new Router().prefix("kv", "/v1/kv/", java.util.Set.of("GET"), h)
        .exact("range", "/v1/kv/", java.util.Set.of("GET"), h).exact("health", "/health", java.util.Set.of("GET"), h);
    assertEquals("range", router.match("GET", "/v1/kv/").route().name());
    assertEquals("kv", router.match("GET", "/v1/kv/a/b").route().name());
    assertEquals(404, router.match("GET", "/v2").error().status());
    assertEquals(405, router.match("POST", "/health").error().status());
    assertTrue(router.match("GET", "/health").error() == null);
  }
}
