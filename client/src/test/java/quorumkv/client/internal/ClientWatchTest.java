package quorumkv.client.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import org.junit.jupiter.api.Test;
import quorumkv.client.KvException;
import quorumkv.client.WatchListener;
import quorumkv.client.WatchOptions;
import quorumkv.raftlog.command.Bytes;
import quorumkv.raftlog.command.Event;
import quorumkv.raftlog.command.KeyValue;

/** A client watch's delivery order, and progress that costs no task of its own when nothing is queued. */
class ClientWatchTest {
  /** Runs tasks only when asked, and counts them. */
  static final class ManualExecutor implements Executor {
    final ArrayDeque<Runnable> tasks = new ArrayDeque<>();
    int submitted;

    @Override
    public void execute(Runnable task) {
      submitted++;
      tasks.add(task);
    }

    void runAll() {
      while (!tasks.isEmpty()) {
        tasks.poll().run();
      }
    }
  }

  final List<String> heard = new ArrayList<>();
  final WatchListener listener = new WatchListener() {
    @Override
    public void onEvents(long revision, List<Event> events) {
      heard.add("events@" + revision);
    }

    @Override
    public void onProgress(long next) {
      heard.add("progress " + next);
    }

    @Override
    public void onError(KvException error) {
      heard.add("error");
    }
  };

  private static Event put(long revision) {
    return Event.put(new KeyValue(Bytes.utf8("k"), Bytes.utf8("v"), revision, revision, 1), null);
  }

  @Test
  void progressOnAnIdleWatchIsDeliveredInlineWithoutATask() {
    ManualExecutor pool = new ManualExecutor();
    ClientWatch w = new ClientWatch(null, 1, WatchOptions.key("k"), listener, pool);
    w.created(5);
    pool.runAll();
    int before = pool.submitted;
    w.progressOnCallbackThread(9);
    assertEquals(before, pool.submitted, "no task for an idle watch's progress");
    assertEquals(List.of("progress 9"), heard);
    assertEquals(9, w.nextRevision());
  }

  @Test
  void progressWaitsForEventsAlreadyQueued() {
    ManualExecutor pool = new ManualExecutor();
    ClientWatch w = new ClientWatch(null, 1, WatchOptions.key("k"), listener, pool);
    w.created(5);
    pool.runAll();
    w.events(8, List.of(put(6), put(7)));
    w.progressOnCallbackThread(8);
    assertEquals(List.of(), heard, "nothing delivered before the queued events' task runs");
    pool.runAll();
    assertEquals(List.of("events@6", "events@7", "progress 8"), heard);
    assertEquals(8, w.nextRevision());
  }
}
