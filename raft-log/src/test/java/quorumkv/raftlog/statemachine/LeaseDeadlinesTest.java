package quorumkv.raftlog.statemachine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import quorumkv.raftlog.store.LeaseRecord;

/** The leader's lease deadlines, on a clock the test moves. */
class LeaseDeadlinesTest {
  static final long MS = 1_000_000;
  final AtomicLong now = new AtomicLong(1_000 * MS);
  final LeaseDeadlines deadlines = new LeaseDeadlines(now::get);

  @Test
  void aLeaseIsDueOnlyAfterItsTtlSinceItsLastRenewal() {
    deadlines.renewed(new LeaseRecord(1, 1000, 10, ""));
    now.addAndGet(999 * MS);
    assertTrue(deadlines.due(0, 10).isEmpty());
    deadlines.renewed(new LeaseRecord(1, 1000, 20, "")); // a keep-alive applied
    now.addAndGet(999 * MS);
    assertTrue(deadlines.due(0, 10).isEmpty(), "the keep-alive moved the deadline");
    assertEquals(1, deadlines.remainingMillis(new LeaseRecord(1, 1000, 20, "")));
    now.addAndGet(1 * MS);
    assertEquals(List.of(new LeaseDeadlines.Due(1, 20)), deadlines.due(0, 10), "names the renewal it ends");
  }

  @Test
  void anExpiryIsProposedAgainOnlyAfterTheRetryPause() {
    deadlines.renewed(new LeaseRecord(1, 1000, 10, ""));
    now.addAndGet(1000 * MS);
    assertEquals(1, deadlines.due(500 * MS, 10).size());
    now.addAndGet(499 * MS);
    assertTrue(deadlines.due(500 * MS, 10).isEmpty());
    now.addAndGet(1 * MS);
    assertEquals(1, deadlines.due(500 * MS, 10).size());
    deadlines.ended(1);
    now.addAndGet(1000 * MS);
    assertTrue(deadlines.due(500 * MS, 10).isEmpty(), "an ended lease is forgotten");
  }

  @Test
  void aNewLeaderGivesEveryLeaseItsWholeTtlAndForgetsProposals() {
    deadlines.renewed(new LeaseRecord(1, 1000, 10, ""));
    deadlines.renewed(new LeaseRecord(2, 5000, 11, ""));
    now.addAndGet(1200 * MS);
    assertEquals(1, deadlines.due(10_000 * MS, 10).size());
    deadlines.extendAll();
    now.addAndGet(999 * MS);
    assertTrue(deadlines.due(0, 10).isEmpty(), "not expired early because of the leader change");
    assertEquals(4001, deadlines.remainingMillis(new LeaseRecord(2, 5000, 11, "")),
        "its whole TTL from the takeover, 999 ms ago");
    now.addAndGet(1 * MS);
    assertEquals(List.of(new LeaseDeadlines.Due(1, 10)), deadlines.due(10_000 * MS, 10));
  }

  @Test
  void aReloadStartsEveryLeaseOverAndDueIsCapped() {
    deadlines.renewed(new LeaseRecord(9, 1000, 1, ""));
    deadlines.reload(List.of(new LeaseRecord(1, 1000, 3, ""), new LeaseRecord(2, 1000, 4, ""),
        new LeaseRecord(3, 1000, 5, "")));
    assertEquals(3, deadlines.size());
    now.addAndGet(1000 * MS);
    assertEquals(2, deadlines.due(0, 2).size());
    assertEquals(1, deadlines.due(10_000 * MS, 2).size(), "the third, not yet proposed");
  }
}
