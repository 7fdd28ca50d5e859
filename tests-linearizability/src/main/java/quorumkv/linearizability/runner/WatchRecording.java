package quorumkv.linearizability.runner;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import quorumkv.client.KvClient;
import quorumkv.client.KvException;
import quorumkv.client.Watch;
import quorumkv.client.WatchListener;
import quorumkv.client.WatchOptions;
import quorumkv.linearizability.checker.WatchChecker;
import quorumkv.linearizability.history.History;
import quorumkv.raftlog.command.Event;

/**
 * One watch on a run's keys, opened before the first operation and kept through the faults, recording
 * every change it delivers; at the end a marker write shows whether it caught up, and
 * {@link WatchChecker} judges the recording against the run's history.
 */
final class WatchRecording implements AutoCloseable {
  private static final String MARKER = "~watch-marker";

  private final String keyPrefix;
  private final boolean dropsEvents;
  private final List<WatchChecker.Change> changes = new ArrayList<>();
  private final AtomicReference<KvException> ended = new AtomicReference<>();
  private final Watch watch;
  private volatile boolean markerSeen;
  private int delivered;

  /**
   * @param dropsEvents the broken variant: every 10th event is silently left out, as a watch that resumes
   *     from the wrong revision would
   */
  WatchRecording(KvClient client, String keyPrefix, boolean dropsEvents) throws InterruptedException {
    this.keyPrefix = keyPrefix;
    this.dropsEvents = dropsEvents;
    this.watch = client.watch(WatchOptions.prefix(keyPrefix), new WatchListener() {
      @Override
      public void onEvents(long revision, List<Event> events) {
        record(events);
      }

      @Override
      public void onError(KvException error) {
        ended.set(error);
      }
    });
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (watch.nextRevision() == 0 && ended.get() == null && System.nanoTime() < end) {
      Thread.sleep(20);
    }
    if (watch.nextRevision() == 0) {
      throw new IllegalStateException("the run's watch did not start: " + ended.get());
    }
  }

  private synchronized void record(List<Event> events) {
    for (Event e : events) {
      String key = e.kv().key().toStringUtf8().substring(keyPrefix.length());
      if (key.equals(MARKER)) {
        markerSeen = true;
        continue;
      }
      if (dropsEvents && ++delivered % 10 == 0) {
        continue;
      }
      changes.add(new WatchChecker.Change(key, e.type() == Event.Type.DELETE ? null : e.kv().value().toStringUtf8(),
          e.revision()));
    }
  }

  /** Writes the marker (after the last operation) and waits for the watch to deliver it. */
  void catchUp(KvClient client, Duration limit) throws InterruptedException {
    long end = System.nanoTime() + limit.toNanos();
    boolean written = false;
    while (!written && System.nanoTime() < end) {
      try {
        client.put(keyPrefix + MARKER, "end");
        written = true;
      } catch (KvException e) {
        Thread.sleep(200); // the cluster may still be electing after the heal
      }
    }
    while (written && !markerSeen && ended.get() == null && System.nanoTime() < end) {
      Thread.sleep(20);
    }
  }

  /** The checker's judgement; a watch that ended with an error is a violation (the faults leave a majority). */
  synchronized WatchChecker.WatchVerdict verdict(History history) {
    WatchChecker.WatchVerdict v = WatchChecker.check(history, List.copyOf(changes), markerSeen);
    KvException error = ended.get();
    if (error == null) {
      return v;
    }
    List<String> violations = new ArrayList<>(v.violations());
    violations.add(0, "the watch ended: " + error);
    return new WatchChecker.WatchVerdict(true, markerSeen, v.changes(), List.copyOf(violations));
  }

  @Override
  public void close() {
    watch.close();
  }
}
