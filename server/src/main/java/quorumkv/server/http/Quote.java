package quorumkv.server.http;

/**
 * How an error message quotes what the caller sent (a path, a method, a parameter, a JSON field, a
 * header): at most {@link #SHOWN} characters, then the length, as keys and values are shown
 * ({@code Bytes.SHOWN}). Input can be as long as a request line (16 KiB); echoing it back whole would
 * turn every error into a reflection of the attacker's bytes.
 */
final class Quote {
  static final int SHOWN = 64;

  private Quote() {}

  static String of(String input) {
    if (input == null) {
      return "null";
    }
    return input.length() <= SHOWN ? input : input.substring(0, SHOWN) + "...(" + input.length() + " chars)";
  }
}
