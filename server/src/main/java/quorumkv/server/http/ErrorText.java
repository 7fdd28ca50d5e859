package quorumkv.server.http;

import java.util.regex.Pattern;

/**
 * What an error body may say: no Java class names (they tell a caller nothing and an attacker too much)
 * and at most {@link #MAX_CHARS} characters, the "..." of a cut message included (README promises 300), so
 * user input quoted in a message is never echoed whole.
 */
final class ErrorText {
  static final int MAX_CHARS = 300;
  private static final String CUT = "...";
  /** {@code a.b.C}, {@code a.b.C$D}, with a following {@code ": "} when it prefixes a message. */
  private static final Pattern QUALIFIED_CLASS =
      Pattern.compile("`?\\b(?:[a-z][a-z0-9_]*\\.)+[A-Z][A-Za-z0-9_]*(?:\\$[A-Za-z0-9_]+)*`?(?::\\s)?");

  private ErrorText() {}

  static String forBody(String message) {
    if (message == null) {
      return "";
    }
    String text = QUALIFIED_CLASS.matcher(message).replaceAll("").trim();
    return text.length() <= MAX_CHARS ? text : text.substring(0, MAX_CHARS - CUT.length()) + CUT;
  }
}
