package quorumkv.server.cli;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** Builds API paths: keys percent-encoded UTF-8, or with {@code --base64} URL-safe base64 of the raw bytes. */
final class Urls {
  private Urls() {}

  /** Percent-encodes every byte outside RFC 3986's unreserved set and {@code /}. */
  static String encode(String text) {
    StringBuilder sb = new StringBuilder();
    for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
      int c = b & 0xFF;
      if (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || "-._~/".indexOf(c) >= 0) {
        sb.append((char) c);
      } else {
        sb.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
            .append(Character.toUpperCase(Character.forDigit(c & 0xF, 16)));
      }
    }
    return sb.toString();
  }

  /** A key in a path or parameter: text, or (base64 mode) the given standard base64 turned URL-safe. */
  static String key(String key, boolean base64) {
    if (!base64) {
      return encode(key);
    }
    byte[] raw = Base64.getDecoder().decode(key);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
  }
}
