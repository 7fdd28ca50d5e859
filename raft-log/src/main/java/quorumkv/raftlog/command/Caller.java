package quorumkv.raftlog.command;

/**
 * Who sent a request, as the node that received it verified: the name in the caller's client certificate,
 * and whether that node's configuration names it an admin ({@code quorumkv.auth.admins}, the bootstrap
 * root). The receiving node wraps a non-member's request in {@link Request.AsCaller} with this; the state
 * machine authorizes against it and the replicated users and roles, at apply time for writes and after the
 * read-index wait for reads, so every replica decides alike.
 */
public record Caller(String identity, boolean configAdmin) {
  /** Names are short and printable; more is not a name. */
  public static final int MAX_NAME_BYTES = 128;

  public Caller {
    checkName(identity, "caller");
  }

  /** Throws {@link IllegalArgumentException} unless {@code name} is 1 to 128 UTF-8 bytes with no control characters. */
  public static void checkName(String name, String what) {
    if (name == null || name.isEmpty()) {
      throw new IllegalArgumentException("a " + what + " name is empty");
    }
    int size = name.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
    if (size > MAX_NAME_BYTES) {
      throw new IllegalArgumentException("a " + what + " name has " + size + " bytes (at most " + MAX_NAME_BYTES + ")");
    }
    if (name.chars().anyMatch(c -> c < 0x20 || c == 0x7F)) {
      throw new IllegalArgumentException("a " + what + " name holds a control character");
    }
  }
}
