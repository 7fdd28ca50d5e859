package quorumkv.raftlog.command;

/**
 * One condition of a transaction, evaluated against the key's state when the transaction applies, as in
 * etcd's {@code Compare}. An absent key has version, create revision and mod revision 0 and no value: a
 * VALUE guard on an absent key is false for every operator.
 *
 * @param number the operand for the revision and version targets (unused for VALUE)
 * @param value the operand for the VALUE target (unused otherwise)
 */
public record Guard(Bytes key, Target target, Op op, long number, Bytes value) {
  /** What part of the key the guard compares. The wire carries the ordinal: only append constants. */
  public enum Target { VERSION, CREATE_REVISION, MOD_REVISION, VALUE }

  /** How the key's part compares with the operand. The wire carries the ordinal: only append constants. */
  public enum Op { EQUAL, NOT_EQUAL, LESS, GREATER }

  public Guard {
    if (key == null || target == null || op == null || value == null) {
      throw new IllegalArgumentException("guard fields must not be null");
    }
  }

  /** The key exists (its version is above 0). */
  public static Guard exists(Bytes key) {
    return new Guard(key, Target.VERSION, Op.GREATER, 0, Bytes.EMPTY);
  }

  /** The key is absent. */
  public static Guard absent(Bytes key) {
    return new Guard(key, Target.VERSION, Op.EQUAL, 0, Bytes.EMPTY);
  }

  /** The key's mod revision equals {@code revision} (0 means absent). */
  public static Guard modRevisionIs(Bytes key, long revision) {
    return new Guard(key, Target.MOD_REVISION, Op.EQUAL, revision, Bytes.EMPTY);
  }

  /** The key holds exactly {@code value}. */
  public static Guard valueIs(Bytes key, Bytes value) {
    return new Guard(key, Target.VALUE, Op.EQUAL, 0, value);
  }

  /** Evaluates this guard against {@code current}, which is null for an absent key. */
  public boolean holds(KeyValue current) {
    if (target == Target.VALUE) {
      if (current == null) {
        return false;
      }
      return compare(current.value().compareTo(value));
    }
    long actual = current == null ? 0 : switch (target) {
      case VERSION -> current.version();
      case CREATE_REVISION -> current.createRevision();
      case MOD_REVISION -> current.modRevision();
      case VALUE -> throw new AssertionError();
    };
    return compare(Long.compare(actual, number));
  }

  private boolean compare(int c) {
    return switch (op) {
      case EQUAL -> c == 0;
      case NOT_EQUAL -> c != 0;
      case LESS -> c < 0;
      case GREATER -> c > 0;
    };
  }
}
