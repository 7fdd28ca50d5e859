package quorumkv.linearizability.checker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import quorumkv.linearizability.checker.FencingChecker.Change;

/** Each rule of the fencing checker, on hand-made histories. */
class FencingCheckerTest {
  static Change lock(long rev, String id) {
    return new Change(rev, "lk/lock/" + id, false, rev, "");
  }

  static Change unlock(long rev, String id) {
    return new Change(rev, "lk/lock/" + id, true, 0, "");
  }

  static Change write(long rev, long token) {
    return new Change(rev, "lk/rec", false, 0, token + ":w:" + rev);
  }

  static FencingChecker.Verdict check(Change... history) {
    return FencingChecker.check(List.of(history), "lk/lock/", "lk/rec");
  }

  @Test
  void writesByEachHolderInTurnPass() {
    FencingChecker.Verdict v = check(lock(10, "a"), lock(11, "b"), write(12, 10), write(13, 10), unlock(14, "a"),
        write(15, 11), unlock(16, "b"));
    assertTrue(v.ok(), v.violations().toString());
    assertEquals(3, v.acceptedWrites());
    assertEquals(2, v.holders());
  }

  @Test
  void aWriteByAnOldHolderAfterTakeoverIsCaught() {
    FencingChecker.Verdict v = check(lock(10, "a"), lock(11, "b"), write(12, 10), unlock(13, "a"), write(14, 11),
        write(15, 10));
    assertEquals(2, v.violations().size(), v.violations().toString()); // not the holder, and a decreasing token
    assertTrue(v.violations().get(0).contains("holder's token was 11"));
  }

  @Test
  void aWriteWithNoHolderOrAWaitersTokenIsCaught() {
    assertEquals(1, check(lock(10, "a"), unlock(11, "a"), write(12, 10)).violations().size());
    assertEquals(1, check(lock(10, "a"), lock(11, "b"), write(12, 11)).violations().size(), "b only waits");
  }
}
