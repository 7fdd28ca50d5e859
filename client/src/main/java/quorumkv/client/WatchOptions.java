package quorumkv.client;

import quorumkv.raftlog.command.Bytes;

/**
 * What to watch: one key, or every key under a prefix, from a revision on.
 *
 * @param key the key, or the prefix when {@code prefix}
 * @param prefix watch every key starting with {@code key} (an empty prefix: every key)
 * @param startRevision the first revision to deliver (inclusive); 0: from now (the revision after the
 *     serving node's applied one, so a node that lags delivers a little earlier history, never less)
 * @param previousValues deliver each event with the key as it was before it
 * @param bufferLimit most events held for a listener that has not taken them; beyond it the watch ends
 *     with {@link KvWatchOverflowException}, which says where to resume
 */
public record WatchOptions(Bytes key, boolean prefix, long startRevision, boolean previousValues, int bufferLimit) {
  public static final int DEFAULT_BUFFER_LIMIT = 10_000;

  public WatchOptions {
    if (key == null || (!prefix && key.size() == 0)) {
      throw new IllegalArgumentException("a watch names a key (an empty key only as a prefix)");
    }
    if (startRevision < 0) {
      throw new IllegalArgumentException("start revision " + startRevision + " is negative (0: from now)");
    }
    if (bufferLimit < 1) {
      throw new IllegalArgumentException("buffer limit " + bufferLimit + " must be at least 1");
    }
  }

  /** Watches {@code key} from now. */
  public static WatchOptions key(String key) {
    return new WatchOptions(Bytes.utf8(key), false, 0, false, DEFAULT_BUFFER_LIMIT);
  }

  /** Watches every key starting with {@code prefix} from now. */
  public static WatchOptions prefix(String prefix) {
    return new WatchOptions(Bytes.utf8(prefix), true, 0, false, DEFAULT_BUFFER_LIMIT);
  }

  /** The same watch from {@code revision} on (inclusive). */
  public WatchOptions fromRevision(long revision) {
    if (revision < 1) {
      throw new IllegalArgumentException("start revision " + revision + ": revisions start at 1");
    }
    return new WatchOptions(key, prefix, revision, previousValues, bufferLimit);
  }

  /** The same watch, delivering each key's previous value too. */
  public WatchOptions withPreviousValue() {
    return new WatchOptions(key, prefix, startRevision, true, bufferLimit);
  }

  public WatchOptions bufferLimit(int events) {
    return new WatchOptions(key, prefix, startRevision, previousValues, events);
  }
}
