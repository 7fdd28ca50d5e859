package quorumkv.server.watch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import quorumkv.raftlog.command.Bytes;
import quorumkv.raftlog.command.Caller;
import quorumkv.raftlog.command.Event;
import quorumkv.raftlog.command.HistoryPage;
import quorumkv.raftlog.command.KeyValue;

/** The hub against a fake node: changes it skipped while no watch existed come from the history. */
class WatchHubTest {
  /** A node whose history holds revisions 1..applied, one put of "k" each. */
  static final class FakeSource implements WatchHub.Source {
    final List<Event> history = new ArrayList<>();

    Event apply() {
      long revision = history.size() + 1;
      Event e = Event.put(new KeyValue(Bytes.utf8("k"), Bytes.utf8("v" + revision), 1, revision, revision), null);
      history.add(e);
      return e;
    }

    @Override
    public HistoryPage history(long from, Bytes key, boolean prefix, int maxEvents) {
      return new HistoryPage(history.stream().filter(e -> e.revision() >= from).toList(), history.size() + 1, 1, false);
    }

    @Override
    public long historyStart() {
      return 1;
    }

    @Override
    public long appliedRevision() {
      return history.size();
    }

    @Override
    public long committedRevision() {
      return history.size();
    }

    @Override
    public String denial(Caller caller, Bytes key, boolean prefix) {
      return null;
    }

    @Override
    public CompletableFuture<String> authorize(Caller caller, Bytes key, boolean prefix) {
      return CompletableFuture.completedFuture(null);
    }
  }

  @Test
  void changesAppliedWhileNoWatchExistedAreDeliveredFromTheHistory() throws Exception {
    FakeSource source = new FakeSource();
    try (WatchHub hub = new WatchHub(source, 4096, 1000)) {
      for (int i = 0; i < 10; i++) {
        hub.changed(i + 1, List.of(source.apply()));   // no watch: nothing is handed over
      }
      assertEquals(0, hub.watchCount());
      WatchHub.Poll poll = hub.poll(null, Bytes.utf8("k"), false, 1, false, Duration.ofSeconds(5));
      assertNull(poll.error(), poll.message());
      assertEquals(10, poll.events().size());
      assertEquals(11, poll.next());
      assertEquals("v10", poll.events().get(9).kv().value().toStringUtf8());
    }
  }
}
