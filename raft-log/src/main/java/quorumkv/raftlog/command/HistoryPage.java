package quorumkv.raftlog.command;

import java.util.List;

/**
 * One read of the change history (the store's {@code RocksKvStore.history}).
 *
 * @param events the matching events from the requested revision on, in revision order; whole revisions
 *     only (the events of one entry are never split across pages)
 * @param next the revision to read from next: every matching event below it is in this page or an
 *     earlier one. After the last applied revision it is that revision + 1, which is also how a quiet
 *     watch learns that nothing matched up to there
 * @param oldest the oldest revision the history still holds; a read from below it is {@code compacted}
 * @param compacted the requested revision is below {@code oldest}: its events are gone, and {@code events}
 *     is empty. The caller must re-read the current state and watch again from a revision after it
 */
public record HistoryPage(List<Event> events, long next, long oldest, boolean compacted) {
  public HistoryPage {
    events = List.copyOf(events);
  }
}
