package quorumkv.server.watch;

import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import quorumkv.raftlog.command.Caller;
import quorumkv.raftlog.command.WatchMessage;

/**
 * One client's watch stream on this node: its caller and its watches. Used on the hub's dispatch thread
 * only (gRPC allows one writer at a time, and that thread is it).
 */
final class WatchStream {
  /** Most watches one stream holds: bounds what one connection can make this node track. */
  static final int MAX_WATCHES = 100_000;

  /** Where a stream's messages go: a gRPC stream ({@link WatchService}) or an HTTP long poll ({@link WatchHub#poll}). */
  interface Sink {
    /** Whether a message may be sent now without buffering (gRPC flow control). */
    boolean isReady();

    boolean isCancelled();

    void send(WatchMessage message);

    /** Ends the stream: {@code error} null for a normal end. */
    void close(Throwable error);
  }

  private final Sink out;
  private final Caller caller;
  private final Map<Long, Watcher> watchers = new LinkedHashMap<>();
  /** Watches asked for whose grants are being checked. */
  private final Set<Long> pending = new HashSet<>();
  private long lastProgress;
  private boolean closed;

  WatchStream(Sink out, Caller caller) {
    this.out = out;
    this.caller = caller;
  }

  /** Who opened the stream (null: a member node, full rights). */
  Caller caller() {
    return caller;
  }

  Watcher watcher(long id) {
    return watchers.get(id);
  }

  Collection<Watcher> watchers() {
    return watchers.values();
  }

  void add(Watcher w) {
    watchers.put(w.id(), w);
  }

  boolean pending(long id) {
    return pending.contains(id);
  }

  int pendingCount() {
    return pending.size();
  }

  void addPending(long id) {
    pending.add(id);
  }

  /** True if {@code id} was pending (and is no longer). */
  boolean removePending(long id) {
    return pending.remove(id);
  }

  void remove(long id) {
    watchers.remove(id);
  }

  boolean isReady() {
    return !closed && out.isReady();
  }

  void send(WatchMessage message) {
    if (!closed && !out.isCancelled()) {
      out.send(message);
    }
  }

  long lastProgress() {
    return lastProgress;
  }

  void progressed(long to) {
    lastProgress = to;
  }

  /** Ends the stream from this side (the client went away or broke the protocol). */
  void close(Throwable error) {
    if (!closed) {
      closed = true;
      out.close(error);
    }
  }
}
