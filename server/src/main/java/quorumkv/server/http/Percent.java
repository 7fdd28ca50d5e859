package quorumkv.server.http;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Strict percent-decoding (RFC 3986): {@code %XX} is one byte, every other character stands for itself
 * ({@code +} is a plus, not a space); a malformed escape is an error, never passed through.
 */
public final class Percent {
  private Percent() {}

  /** The bytes {@code s} encodes. */
  public static byte[] decode(String s, String what) throws ApiException {
    ByteArrayOutputStream out = new ByteArrayOutputStream(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '%') {
        if (i + 2 >= s.length()) {
          throw ApiException.badRequest("bad_encoding", what + ": truncated percent escape at position " + i);
        }
        int hi = Character.digit(s.charAt(i + 1), 16);
        int lo = Character.digit(s.charAt(i + 2), 16);
        if (hi < 0 || lo < 0) {
          throw ApiException.badRequest("bad_encoding", what + ": malformed percent escape '" + s.substring(i, i + 3) + "'");
        }
        out.write(hi << 4 | lo);
        i += 2;
      } else if (c > 0xFF) {
        throw ApiException.badRequest("bad_encoding", what + ": character outside a URL");
      } else {
        out.write(c);
      }
    }
    return out.toByteArray();
  }

  /** Decodes and requires valid UTF-8. */
  public static String decodeUtf8(String s, String what) throws ApiException {
    return utf8(decode(s, what), what);
  }

  /** {@code bytes} as text, if they are valid UTF-8. */
  public static String utf8(byte[] bytes, String what) throws ApiException {
    try {
      return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
    } catch (CharacterCodingException e) {
      throw ApiException.badRequest("bad_encoding", what + " is not valid UTF-8 (use encoding=base64 for binary keys)");
    }
  }

  /** Parses a raw query string ({@code a=1&b=2}) into decoded names and values. */
  public static Map<String, List<String>> query(String rawQuery) throws ApiException {
    Map<String, List<String>> out = new LinkedHashMap<>();
    if (rawQuery == null || rawQuery.isEmpty()) {
      return out;
    }
    for (String pair : rawQuery.split("&", -1)) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      String name = decodeUtf8(eq < 0 ? pair : pair.substring(0, eq), "query parameter name");
      String value = eq < 0 ? "" : decodeUtf8(pair.substring(eq + 1), "query parameter '" + Quote.of(name) + "'");
      out.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
    }
    return out;
  }
}
