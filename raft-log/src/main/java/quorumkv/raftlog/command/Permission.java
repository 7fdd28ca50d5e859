package quorumkv.raftlog.command;

import java.util.Locale;

/**
 * What a role may do: read, or read and write, every key that starts with {@code prefix} (the empty
 * prefix is every key); or administer the cluster ({@link Access#ADMIN}, no prefix): membership, leader
 * transfer, backups, users and roles, and every key.
 *
 * <p>There is no write-only access: every write's reply carries the key's previous state (a put's
 * previous value, a compare-and-set's current one), so writing a key reveals it.
 */
public record Permission(Access access, Bytes prefix) {

  /** The kinds of access a role can be granted. Numbers are on the wire and never change. */
  public enum Access {
    READ(1), READWRITE(2), ADMIN(3);

    private final int number;

    Access(int number) {
      this.number = number;
    }

    public int number() {
      return number;
    }

    static Access ofNumber(int number) {
      for (Access a : values()) {
        if (a.number == number) {
          return a;
        }
      }
      throw new CommandCodecException("unknown access " + number);
    }

    /** {@code read}, {@code readwrite} or {@code admin}, as the CLI and HTTP API spell them. */
    public static Access parse(String text) {
      try {
        return valueOf(text.trim().toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("unknown access '" + text + "': use read, readwrite or admin");
      }
    }

    @Override
    public String toString() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  public Permission {
    if (access == null || prefix == null) {
      throw new IllegalArgumentException("a permission needs an access and a prefix");
    }
    if (access == Access.ADMIN && !prefix.isEmpty()) {
      throw new IllegalArgumentException("admin access has no key prefix");
    }
  }

  public static Permission read(String prefix) {
    return new Permission(Access.READ, Bytes.utf8(prefix));
  }

  public static Permission readWrite(String prefix) {
    return new Permission(Access.READWRITE, Bytes.utf8(prefix));
  }

  public static Permission admin() {
    return new Permission(Access.ADMIN, Bytes.EMPTY);
  }

  /** True if this permission lets its holder read every key in {@code [start, end)} (empty end: unbounded). */
  public boolean coversRead(Bytes start, Bytes end) {
    return access == Access.ADMIN || covers(start, end);
  }

  /** True if this permission lets its holder write every key in {@code [start, end)}. */
  public boolean coversWrite(Bytes start, Bytes end) {
    return access == Access.ADMIN || (access == Access.READWRITE && covers(start, end));
  }

  /** Judged by the bounds alone: the range lies inside the prefix's range {@code [prefix, prefixEnd)}. */
  private boolean covers(Bytes start, Bytes end) {
    if (!start.startsWith(prefix)) {
      return false;
    }
    Bytes limit = prefix.prefixEnd(); // empty: no upper bound (the empty prefix, or all 0xFF bytes)
    if (limit.isEmpty()) {
      return true;
    }
    return !end.isEmpty() && end.compareTo(limit) <= 0;
  }

  @Override
  public String toString() {
    return access == Access.ADMIN ? "admin" : access + " " + (prefix.isEmpty() ? "(every key)" : "'" + prefix + "'");
  }
}
