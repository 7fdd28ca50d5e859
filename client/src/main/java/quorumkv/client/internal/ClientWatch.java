package quorumkv.client.internal;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import quorumkv.client.KvException;
import quorumkv.client.KvWatchOverflowException;
import quorumkv.client.Watch;
import quorumkv.client.WatchListener;
import quorumkv.client.WatchOptions;
import quorumkv.raftlog.command.Event;

/**
 * One watch on the client side: what the nodes sent ({@code received}: every event below it has arrived)
 * and what the listener took ({@code delivered}), with the events between them in a bounded queue drained
 * one call at a time on the client's callback threads. On a reconnect the watch resumes from
 * {@code received}, so the listener sees each event exactly once and in order.
 */
final class ClientWatch implements Watch {
  private final Watches owner;
  final long id;
  final WatchOptions options;
  private final WatchListener listener;
  private final Executor callbacks;
  private final Deque<Runnable> queue = new ArrayDeque<>();
  private int buffered;
  private boolean draining;
  private volatile boolean open = true;
  /** Every event below this has arrived from a node (the resume point). */
  private long received;
  /** A node confirmed this watch once: from then on its start is a position to resume from. */
  private boolean confirmed;
  /** Every event below this has been handed to the listener. */
  private volatile long delivered;

  ClientWatch(Watches owner, long id, WatchOptions options, WatchListener listener, Executor callbacks) {
    this.owner = owner;
    this.id = id;
    this.options = options;
    this.listener = listener;
    this.callbacks = callbacks;
    this.received = options.startRevision();
    this.delivered = options.startRevision();
  }

  /** Where a (re)created watch starts: 0 (now) only until a node has confirmed a start. */
  synchronized long resumeFrom() {
    return received;
  }

  synchronized boolean confirmed() {
    return confirmed;
  }

  synchronized void created(long start) {
    confirmed = true;
    if (received == 0) {
      received = start;
      enqueue(0, () -> delivered = Math.max(delivered, start));
    }
  }

  /** Events of whole revisions, all below {@code next}; anything below {@code received} is a repeat and dropped. */
  synchronized void events(long next, List<Event> events) {
    if (!open) {
      return;
    }
    List<List<Event>> revisions = new ArrayList<>();
    for (Event e : events) {
      if (e.revision() < received) {
        continue;
      }
      List<Event> last = revisions.isEmpty() ? null : revisions.get(revisions.size() - 1);
      if (last == null || last.get(0).revision() != e.revision()) {
        last = new ArrayList<>();
        revisions.add(last);
      }
      last.add(e);
    }
    int count = revisions.stream().mapToInt(List::size).sum();
    if (buffered + count > options.bufferLimit()) {
      long resume = received; // everything below it is queued and reaches the listener before the error
      fail(new KvWatchOverflowException("the watch's listener is " + (buffered + count) + " events behind, more than"
          + " its buffer limit of " + options.bufferLimit() + "; every event below revision " + resume
          + " is delivered before this error: watch again from there", resume));
      return;
    }
    for (List<Event> r : revisions) {
      long revision = r.get(0).revision();
      List<Event> batch = List.copyOf(r);
      enqueue(batch.size(), () -> {
        listener.onEvents(revision, batch);
        delivered = Math.max(delivered, revision + 1);
      });
    }
    long to = Math.max(received, next);
    received = to;
    enqueue(0, () -> delivered = Math.max(delivered, to));
  }

  /**
   * Nothing of this watch changed below {@code next} (a node's progress message, about once a second): the
   * listener hears it each time, moved or not, so a quiet watch can tell "no changes" from "cut off".
   * Called on a callback thread (one task for every watch of a stream): when nothing
   * is queued for this watch, the listener hears it right here instead of through a task of its own. With
   * 10,000 watches a task each per progress message filled the callback pool every second, and events
   * waited behind them (bin/bench's watch phase: p99 0.67 s). Order holds: anything already queued goes
   * first, and what arrives meanwhile is drained after.
   */
  void progressOnCallbackThread(long next) {
    Runnable step;
    synchronized (this) {
      if (!open || received == 0) {
        return;
      }
      long to = Math.max(received, next);
      received = to;
      step = () -> {
        delivered = Math.max(delivered, to);
        listener.onProgress(to);
      };
      if (draining || !queue.isEmpty()) {
        enqueue(0, step);
        return;
      }
      draining = true;
    }
    try {
      step.run();
    } catch (RuntimeException e) {
      org.slf4j.LoggerFactory.getLogger(ClientWatch.class).warn("watch {} listener threw", id, e);
    }
    drain();
  }

  /** Ends the watch with {@code error}, delivered after what is already queued. */
  synchronized void fail(KvException error) {
    if (!open) {
      return;
    }
    open = false;
    owner.forget(this);
    enqueue(0, () -> listener.onError(error));
  }

  private void enqueue(int events, Runnable step) {
    buffered += events;
    queue.addLast(() -> {
      try {
        step.run();
      } finally {
        synchronized (this) {
          buffered -= events;
        }
      }
    });
    if (!draining) {
      draining = true;
      try {
        callbacks.execute(this::drain);
      } catch (RejectedExecutionException closed) {
        draining = false;
      }
    }
  }

  private void drain() {
    while (true) {
      Runnable step;
      synchronized (this) {
        step = queue.pollFirst();
        if (step == null) {
          draining = false;
          return;
        }
      }
      try {
        step.run();
      } catch (RuntimeException e) {
        // The listener threw: its problem, not the watch's. Keep delivering.
        org.slf4j.LoggerFactory.getLogger(ClientWatch.class).warn("watch {} listener threw", id, e);
      }
    }
  }

  @Override
  public long nextRevision() {
    return delivered;
  }

  @Override
  public boolean isOpen() {
    return open;
  }

  @Override
  public void close() {
    synchronized (this) {
      if (!open) {
        return;
      }
      open = false;
      queue.clear();
    }
    owner.cancel(this);
  }
}
