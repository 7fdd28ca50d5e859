package quorumkv.server.watch;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import quorumkv.raftlog.command.Bytes;
import quorumkv.raftlog.command.Caller;
import quorumkv.raftlog.command.ErrorCode;
import quorumkv.raftlog.command.Event;
import quorumkv.raftlog.command.WatchMessage;
import quorumkv.raftlog.command.HistoryPage;

/**
 * Every watch on this node, and the delivery of applied changes to them.
 *
 * <p>One thread ("watch-dispatch") owns all state: the registry, each watch's position and the recent
 * changes, so nothing here needs a lock. The apply thread only hands each applied change over
 * ({@link #changed}). A watch's position {@code next} is the revision it must deliver from: everything
 * below it has been sent. Delivery reads from {@code recent} (the changes this hub heard, complete from
 * {@code coveredFrom} on) or, for a watch further behind, from the store's history; a watch whose
 * position the history no longer holds ends with {@link ErrorCode#COMPACTED}. A stream that cannot take
 * more (gRPC flow control) is not written to: its watches stay behind and catch up from the history when
 * it is ready again, so a slow consumer costs no memory here, only history.
 */
public final class WatchHub implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(WatchHub.class);
  /** Most events in one message (whole revisions, so one may exceed it). */
  static final int MAX_EVENTS_PER_MESSAGE = 1_000;

  /** What the hub reads from the node. */
  public interface Source {
    /** The history page as the store holds it now; throws while the store is unavailable (retry later). */
    HistoryPage history(long from, Bytes key, boolean prefix, int maxEvents) throws IOException;

    /** The oldest revision the store's history holds (the in-memory recent changes may reach further back). */
    long historyStart() throws IOException;

    /** The revision of the last applied entry (0 while unknown). */
    long appliedRevision();

    /** The revision of the last entry this node knows to be committed: later starts are in the future. */
    long committedRevision();

    /** Null if {@code caller} (null: a member) may read the watched keys; otherwise why not. */
    String denial(Caller caller, Bytes key, boolean prefix) throws IOException;

    /**
     * As {@link #denial}, but linearizable: completes once this node has applied everything committed
     * when it was asked (a read index), so a grant or revoke acknowledged before counts. Fails when the
     * node cannot tell (no leader, store closed).
     */
    java.util.concurrent.CompletableFuture<String> authorize(Caller caller, Bytes key, boolean prefix);
  }

  private final Source source;
  private final int recentRevisions;
  private final ExecutorService dispatch;
  private final ScheduledExecutorService ticker;
  // Owned by the dispatch thread:
  private final NavigableMap<Long, List<Event>> recent = new TreeMap<>();
  private long coveredFrom = Long.MAX_VALUE;
  private long lastHeard;
  private long recentBytes;
  /** Most bytes of events {@code recent} holds: a flood of large values must not fill the heap. */
  private final long maxRecentBytes = Math.min(32L << 20, Runtime.getRuntime().maxMemory() / 16);
  /** Written by the apply thread while no watch exists: the changes up to here were not handed over. */
  private volatile long skippedUpTo;
  private final Map<Bytes, Set<Watcher>> exact = new HashMap<>();
  private final Map<Bytes, Set<Watcher>> prefixes = new HashMap<>();
  private final Set<WatchStream> streams = new LinkedHashSet<>();
  private volatile int watchCount; // written on the dispatch thread only, read by metrics

  /**
   * @param recentRevisions how many recent revisions' events to keep in memory for watches that are caught
   *     up (older positions read the store's history)
   * @param progressMillis how often each stream is told the revision every one of its watches has reached,
   *     and grants are checked again
   */
  public WatchHub(Source source, int recentRevisions, long progressMillis) {
    this.source = source;
    this.recentRevisions = recentRevisions;
    this.dispatch = Executors.newSingleThreadExecutor(r -> daemon(r, "watch-dispatch"));
    this.ticker = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "watch-progress"));
    ticker.scheduleWithFixedDelay(() -> run(this::tick), progressMillis, progressMillis, TimeUnit.MILLISECONDS);
  }

  private static Thread daemon(Runnable r, String name) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    return t;
  }

  /** Runs {@code task} on the dispatch thread; dropped after close. */
  void run(Runnable task) {
    try {
      dispatch.execute(() -> {
        try {
          task.run();
        } catch (RuntimeException e) {
          LOG.error("watch dispatch failed", e);
        }
      });
    } catch (RejectedExecutionException closed) {
      // closing
    }
  }

  /** Open watches on this node (for metrics). */
  public int watchCount() {
    return watchCount;
  }

  // ---- from the apply thread (the node forwards the state machine's change reports) ----

  /**
   * The events of the entry applied at {@code revision}. With no watch on this node nothing is handed
   * over (a write flood costs no memory here); a watch created later reads those changes from the history.
   */
  public void changed(long revision, List<Event> events) {
    if (watchCount == 0) {
      skippedUpTo = revision;
      return;
    }
    run(() -> heard(revision, events));
  }

  /** The store was replaced by an installed snapshot: watches catch up from its history. */
  public void storeReplaced() {
    run(() -> {
      recent.clear();
      recentBytes = 0;
      coveredFrom = Long.MAX_VALUE; // until the next change: everything comes from the new store's history
      streams.forEach(s -> s.watchers().forEach(this::pump));
    });
  }

  /** Users and roles changed: watches the caller may no longer read end now rather than at the next tick. */
  public void authChanged() {
    run(this::recheckGrants);
  }

  // ---- on the dispatch thread ----

  /** Changes were skipped while no watch existed: what {@code recent} holds is no longer complete. */
  private void dropStaleRecent() {
    long skipped = skippedUpTo;
    if (skipped > lastHeard) {
      recent.clear();
      recentBytes = 0;
      coveredFrom = Long.MAX_VALUE; // until the next change heard: everything comes from the history
      lastHeard = skipped;
    }
  }

  private static long bytesOf(List<Event> events) {
    long n = 0;
    for (Event e : events) {
      n += 96 + e.kv().key().size() + e.kv().value().size() + (e.previous() == null ? 0 : 64 + e.previous().value().size());
    }
    return n;
  }

  private void heard(long revision, List<Event> events) {
    dropStaleRecent();
    if (coveredFrom == Long.MAX_VALUE) {
      coveredFrom = revision; // changes before this one were never heard: they come from the history
    }
    recent.put(revision, events);
    recentBytes += bytesOf(events);
    lastHeard = revision;
    while (recent.size() > 1 && (recent.size() > recentRevisions || recentBytes > maxRecentBytes)) {
      var oldest = recent.pollFirstEntry();
      recentBytes -= bytesOf(oldest.getValue());
      coveredFrom = oldest.getKey() + 1;
    }
    Set<Watcher> matched = new LinkedHashSet<>();
    for (Event e : events) {
      Bytes key = e.kv().key();
      Set<Watcher> w = exact.get(key);
      if (w != null) {
        matched.addAll(w);
      }
      for (int len = 0; len <= key.size(); len++) {
        Set<Watcher> p = prefixes.get(len == key.size() ? key : key.prefix(len));
        if (p != null) {
          matched.addAll(p);
        }
      }
    }
    matched.forEach(this::pump);
  }

  /** The revision a watch created now without a start revision begins at. */
  private long now() {
    return Math.max(lastHeard, source.appliedRevision()) + 1;
  }

  void register(WatchStream stream) {
    streams.add(stream);
  }

  void create(WatchStream stream, WatchMessage.Create c) {
    if (stream.watcher(c.watchId()) != null || stream.pending(c.watchId())) {
      stream.send(new WatchMessage.Ended(c.watchId(), ErrorCode.INVALID_ARGUMENT, "watch id " + c.watchId()
          + " is already open on this stream", 0));
      return;
    }
    if (!c.prefix() && c.key().size() == 0) {
      stream.send(new WatchMessage.Ended(c.watchId(), ErrorCode.INVALID_ARGUMENT, "an empty key needs prefix", 0));
      return;
    }
    if (stream.watchers().size() + stream.pendingCount() >= WatchStream.MAX_WATCHES) {
      stream.send(new WatchMessage.Ended(c.watchId(), ErrorCode.INVALID_ARGUMENT, "a stream holds at most "
          + WatchStream.MAX_WATCHES + " watches", 0));
      return;
    }
    // Authorized like a linearizable range read of the key or prefix, off this thread: a grant or revoke
    // acknowledged before the watch was asked for counts here, on a lagging follower too.
    stream.addPending(c.watchId());
    source.authorize(stream.caller(), c.key(), c.prefix()).whenComplete((denied, e) -> run(() -> {
      if (!stream.removePending(c.watchId()) || !streams.contains(stream)) {
        return; // cancelled meanwhile, or the stream closed
      }
      if (e != null) {
        stream.send(new WatchMessage.Ended(c.watchId(), ErrorCode.NODE_DEGRADED, "this node cannot check the"
            + " watch's grants now (" + e.getMessage() + "); another node can", 0));
      } else if (denied != null) {
        stream.send(new WatchMessage.Ended(c.watchId(), ErrorCode.PERMISSION_DENIED, denied, 0));
      } else {
        open(stream, c);
      }
    }));
  }

  private void open(WatchStream stream, WatchMessage.Create c) {
    long start = c.startRevision() == 0 ? now() : c.startRevision();
    long future = Math.max(source.committedRevision(), now() - 1) + 1;
    if (!c.resume() && start > future) {
      stream.send(new WatchMessage.Ended(c.watchId(), ErrorCode.INVALID_ARGUMENT, "start revision " + start
          + " is in the future: the cluster is at revision " + (future - 1), 0));
      return;
    }
    Watcher w = new Watcher(stream, c.watchId(), c.key(), c.prefix(), c.withPrevious(), start);
    stream.add(w);
    (c.prefix() ? prefixes : exact).computeIfAbsent(c.key(), k -> new LinkedHashSet<>()).add(w);
    watchCount++;
    stream.send(new WatchMessage.Created(c.watchId(), start));
    pump(w);
  }

  void cancel(WatchStream stream, long watchId) {
    stream.removePending(watchId);
    Watcher w = stream.watcher(watchId);
    if (w != null) {
      remove(w);
    }
  }

  void closed(WatchStream stream) {
    if (streams.remove(stream)) {
      new ArrayList<>(stream.watchers()).forEach(this::remove);
    }
  }

  private void remove(Watcher w) {
    w.stream().remove(w.id());
    Map<Bytes, Set<Watcher>> index = w.prefix() ? prefixes : exact;
    Set<Watcher> set = index.get(w.key());
    if (set != null && set.remove(w) && set.isEmpty()) {
      index.remove(w.key());
    }
    watchCount--;
  }

  private void end(Watcher w, ErrorCode code, String message, long oldest) {
    remove(w);
    w.stream().send(new WatchMessage.Ended(w.id(), code, message, oldest));
  }

  /** The stream can take messages again: deliver what its watches missed meanwhile. */
  void ready(WatchStream stream) {
    if (streams.contains(stream)) {
      new ArrayList<>(stream.watchers()).forEach(this::pump);
    }
  }

  /** Sends {@code w} what it has not yet seen, as far as its stream takes it. */
  void pump(Watcher w) {
    dropStaleRecent();
    while (w.stream().isReady() && w.stream().watcher(w.id()) == w) {
      boolean fromRecent = w.next() >= coveredFrom;
      if (fromRecent && w.next() > lastHeard) {
        return; // has every change this hub heard
      }
      HistoryPage page;
      if (fromRecent) {
        // Served from memory, but only what the history still holds: a compacted start fails on every
        // node alike, whatever each one happens to remember.
        long oldest;
        try {
          oldest = source.historyStart();
        } catch (IOException | RuntimeException e) {
          LOG.debug("watch {}: history unavailable: {}", w.id(), e.toString());
          return;
        }
        if (w.next() < oldest) {
          endCompacted(w, oldest);
          return;
        }
        page = fromRecent(w);
      } else {
        try {
          page = source.history(w.next(), w.key(), w.prefix(), MAX_EVENTS_PER_MESSAGE);
        } catch (IOException | RuntimeException e) {
          // The store is being replaced, or closing: storeReplaced or the next change pumps again.
          LOG.debug("watch {}: history unavailable: {}", w.id(), e.toString());
          return;
        }
        if (page.compacted()) {
          endCompacted(w, page.oldest());
          return;
        }
      }
      long next = Math.max(w.next(), page.next());
      if (!page.events().isEmpty()) {
        List<Event> events = w.withPrevious() ? page.events()
            : page.events().stream().map(Event::withoutPrevious).toList();
        w.stream().send(new WatchMessage.Events(w.id(), next, events));
      }
      if (next == w.next()) {
        return;
      }
      w.advance(next);
    }
  }

  private void endCompacted(Watcher w, long oldest) {
    end(w, ErrorCode.COMPACTED, "revision " + w.next() + " is compacted; the oldest revision kept is " + oldest
        + ": read the keys again and watch from the revision after that read", oldest);
  }

  private HistoryPage fromRecent(Watcher w) {
    List<Event> out = new ArrayList<>();
    long next = lastHeard + 1;
    for (Map.Entry<Long, List<Event>> e : recent.tailMap(w.next(), true).entrySet()) {
      if (out.size() >= MAX_EVENTS_PER_MESSAGE) {
        next = e.getKey();
        break;
      }
      for (Event event : e.getValue()) {
        if (w.matches(event.kv().key())) {
          out.add(event);
        }
      }
    }
    return new HistoryPage(out, next, coveredFrom, false);
  }

  /** Progress for every stream whose watches are all caught up, and a fresh look at grants. */
  private void tick() {
    recheckGrants();
    for (WatchStream s : streams) {
      if (!s.isReady() || s.watchers().isEmpty()) {
        continue;
      }
      long reached = Long.MAX_VALUE;
      for (Watcher w : s.watchers()) {
        reached = Math.min(reached, w.next());
      }
      if (reached > s.lastProgress()) {
        s.progressed(reached);
        s.send(new WatchMessage.Events(WatchMessage.ALL, reached, List.of()));
      } else {
        s.send(new WatchMessage.Events(WatchMessage.ALL, s.lastProgress(), List.of())); // a heartbeat
      }
    }
  }

  private void recheckGrants() {
    for (WatchStream s : new ArrayList<>(streams)) {
      for (Watcher w : new ArrayList<>(s.watchers())) {
        String denied;
        try {
          denied = source.denial(s.caller(), w.key(), w.prefix());
        } catch (IOException unavailable) {
          return; // the store is being replaced: checked again at the next tick
        }
        if (denied != null) {
          end(w, ErrorCode.PERMISSION_DENIED, denied, 0);
        }
      }
    }
  }

  // ---- long polls (HTTP), on the caller's thread ----

  /**
   * What one long poll returns: the first batch of matching events from its start revision, or none when
   * it timed out; {@code next} is where the following poll starts (every matching event below it was
   * returned). {@code error} non-null: the watch ended instead ({@code oldest} set for COMPACTED).
   */
  public record Poll(List<Event> events, long next, ErrorCode error, String message, long oldest) {}

  /**
   * Waits up to {@code timeout} for changes to {@code key} (or under it, with {@code prefix}) from
   * {@code startRevision} (0: from now), as {@code caller} (null: a member, every right) may see them. The
   * poll is an ordinary watch on a stream of its own, so it reads from the same recent changes and
   * history, and a compaction, a revoke or an unavailable store ends it alike.
   */
  public Poll poll(Caller caller, Bytes key, boolean prefix, long startRevision, boolean withPrevious,
      Duration timeout) throws InterruptedException {
    BlockingQueue<WatchMessage> inbox = new LinkedBlockingQueue<>();
    WatchStream stream = new WatchStream(new QueueSink(inbox), caller);
    run(() -> register(stream));
    run(() -> create(stream, new WatchMessage.Create(POLL_ID, key, prefix, startRevision, withPrevious, false)));
    // The timeout counts from the watch's creation, which waits for a read index first (its grants).
    long deadline = System.nanoTime() + CREATE_WAIT.toNanos();
    long next = 0;
    try {
      while (true) {
        WatchMessage m = inbox.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        if (m == null) {
          if (next == 0) {
            // Not even created in time (no leader to give a read index): another node may do better.
            return new Poll(List.of(), 0, ErrorCode.NODE_DEGRADED, "this node could not start the watch within "
                + CREATE_WAIT.toSeconds() + " s", 0);
          }
          return new Poll(List.of(), next, null, null, 0);
        }
        if (m instanceof WatchMessage.Created c) {
          next = c.startRevision();
          deadline = System.nanoTime() + timeout.toNanos();
        } else if (m instanceof WatchMessage.Events e) {
          next = Math.max(next, e.next());
          if (!e.events().isEmpty()) {
            return new Poll(e.events(), next, null, null, 0);
          }
        } else if (m instanceof WatchMessage.Ended end) {
          return new Poll(List.of(), next, end.code(), end.message(), end.oldest());
        }
      }
    } finally {
      run(() -> closed(stream));
    }
  }

  private static final long POLL_ID = 1;
  /** How long a long poll waits for its watch to be created (grants checked) before its own timeout starts. */
  private static final Duration CREATE_WAIT = Duration.ofSeconds(8);

  /** A long poll's sink: always ready (one batch at most is taken from it), messages to a queue. */
  private record QueueSink(BlockingQueue<WatchMessage> inbox) implements WatchStream.Sink {
    @Override
    public boolean isReady() {
      return true;
    }

    @Override
    public boolean isCancelled() {
      return false;
    }

    @Override
    public void send(WatchMessage message) {
      inbox.add(message);
    }

    @Override
    public void close(Throwable error) {
      // the poll ends on its own thread
    }
  }

  @Override
  public void close() {
    ticker.shutdownNow();
    dispatch.shutdownNow();
  }
}
