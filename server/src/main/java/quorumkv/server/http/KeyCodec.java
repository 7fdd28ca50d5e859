package quorumkv.server.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import quorumkv.raftlog.command.Bytes;
import quorumkv.raftlog.command.KeyValue;

/**
 * How keys and values travel over HTTP; the README's "Encoding" section documents the same rules.
 *
 * <ul>
 *   <li>Keys in the URL (path after {@code /v1/kv/}, and the {@code prefix}, {@code start}, {@code end}
 *       parameters): percent-encoded UTF-8 by default ({@code /} may appear unescaped and is part of the
 *       key); with {@code encoding=base64}, the URL-safe base64 of the raw bytes (RFC 4648 section 5,
 *       padding optional).</li>
 *   <li>Keys and values in JSON bodies: {@code "key": "text"} or {@code "key_base64": "..."} (standard
 *       base64), likewise {@code value}/{@code value_base64}; exactly one of each pair.</li>
 *   <li>In responses, a key or value is {@code "key"}/{@code "value"} text when its bytes are valid UTF-8
 *       and the request did not ask for {@code encoding=base64}; otherwise {@code key_base64}/
 *       {@code value_base64} (standard base64). A reply never mixes both forms for one field.</li>
 * </ul>
 */
public final class KeyCodec {
  /** How the caller encodes keys in the URL and wants keys and values in responses. */
  public enum Encoding { UTF8, BASE64 }

  private KeyCodec() {}

  public static Encoding encoding(ApiRequest request) throws ApiException {
    String e = request.param("encoding");
    if (e == null || e.equals("utf8") || e.equals("utf-8")) {
      return Encoding.UTF8;
    }
    if (e.equals("base64")) {
      return Encoding.BASE64;
    }
    throw ApiException.badRequest("bad_parameter", "encoding must be utf8 or base64, got '" + Quote.of(e) + "'");
  }

  /** A key from its raw (percent-encoded) URL form. */
  public static Bytes urlKey(String raw, Encoding encoding, String what) throws ApiException {
    byte[] decoded = Percent.decode(raw, what);
    if (encoding == Encoding.BASE64) {
      try {
        return Bytes.wrap(Base64.getUrlDecoder().decode(decoded));
      } catch (IllegalArgumentException e) {
        throw ApiException.badRequest("bad_key", what + " is not URL-safe base64: " + e.getMessage());
      }
    }
    return Bytes.wrap(Percent.utf8(decoded, what).getBytes(StandardCharsets.UTF_8));
  }

  /** A key or bound from an already decoded query parameter. */
  public static Bytes paramKey(String value, Encoding encoding, String what) throws ApiException {
    if (encoding == Encoding.BASE64) {
      try {
        return Bytes.wrap(Base64.getUrlDecoder().decode(value));
      } catch (IllegalArgumentException e) {
        throw ApiException.badRequest("bad_key", what + " is not URL-safe base64: " + e.getMessage());
      }
    }
    return Bytes.utf8(value);
  }

  /** Exactly one of a text and a base64 form, from a JSON body. */
  public static Bytes bodyBytes(String text, String base64, String name, boolean required) throws ApiException {
    if (text != null && base64 != null) {
      throw ApiException.badRequest("bad_" + name, "give either '" + name + "' or '" + name + "_base64', not both");
    }
    if (base64 != null) {
      try {
        return Bytes.wrap(Base64.getDecoder().decode(base64));
      } catch (IllegalArgumentException e) {
        throw ApiException.badRequest("bad_" + name, "'" + name + "_base64' is not base64: " + e.getMessage());
      }
    }
    if (text != null) {
      return Bytes.utf8(text);
    }
    if (required) {
      throw ApiException.badRequest("bad_" + name, "'" + name + "' or '" + name + "_base64' is required");
    }
    return null;
  }

  /** Puts {@code bytes} under {@code name} (text) or {@code name_base64}, per the rules above. */
  public static void put(ObjectNode node, String name, Bytes bytes, Encoding encoding) {
    if (encoding == Encoding.UTF8) {
      String text = textOrNull(bytes);
      if (text != null) {
        node.put(name, text);
        return;
      }
    }
    node.put(name + "_base64", Base64.getEncoder().encodeToString(bytes.unsafeArray()));
  }

  /** A key-value with its revisions; null stays JSON null. */
  public static ObjectNode keyValue(KeyValue kv, Encoding encoding) {
    if (kv == null) {
      return null;
    }
    ObjectNode n = Json.object();
    put(n, "key", kv.key(), encoding);
    put(n, "value", kv.value(), encoding);
    n.put("create_revision", kv.createRevision());
    n.put("mod_revision", kv.modRevision());
    n.put("version", kv.version());
    return n;
  }

  private static String textOrNull(Bytes bytes) {
    try {
      return Percent.utf8(bytes.unsafeArray(), "value");
    } catch (ApiException e) {
      return null;
    }
  }
}
