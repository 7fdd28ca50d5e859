package quorumkv.server.watch;

import quorumkv.raftlog.command.Bytes;

/** One watch: what it watches and how far it has been sent. Used on the hub's dispatch thread only. */
final class Watcher {
  private final WatchStream stream;
  private final long id;
  private final Bytes key;
  private final boolean prefix;
  private final boolean withPrevious;
  private long next;

  Watcher(WatchStream stream, long id, Bytes key, boolean prefix, boolean withPrevious, long start) {
    this.stream = stream;
    this.id = id;
    this.key = key;
    this.prefix = prefix;
    this.withPrevious = withPrevious;
    this.next = start;
  }

  WatchStream stream() {
    return stream;
  }

  long id() {
    return id;
  }

  Bytes key() {
    return key;
  }

  boolean prefix() {
    return prefix;
  }

  boolean withPrevious() {
    return withPrevious;
  }

  /** Every event of this watch below this revision has been sent. */
  long next() {
    return next;
  }

  void advance(long to) {
    if (to > next) {
      next = to;
    }
  }

  boolean matches(Bytes changed) {
    return prefix ? changed.startsWith(key) : changed.equals(key);
  }
}
