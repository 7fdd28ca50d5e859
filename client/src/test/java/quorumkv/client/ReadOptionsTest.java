package quorumkv.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class ReadOptionsTest {
  @Test
  void defaultsAreTheConsistencyAlone() {
    assertEquals(new ReadOptions(ReadConsistency.LINEARIZABLE, null, 0), ReadOptions.linearizable());
    assertEquals(new ReadOptions(ReadConsistency.FOLLOWER, null, 0), ReadOptions.follower());
    assertSame(ReadOptions.linearizable(), ReadOptions.of(ReadConsistency.LINEARIZABLE));
    assertSame(ReadOptions.follower(), ReadOptions.of(ReadConsistency.FOLLOWER));
  }

  @Test
  void withersKeepTheRestAndLeaveTheOriginalAlone() {
    ReadOptions base = ReadOptions.follower();
    ReadOptions local = base.atReplica("n2").atLeastIndex(42);
    assertEquals(new ReadOptions(ReadConsistency.FOLLOWER, "n2", 42), local);
    assertEquals(new ReadOptions(ReadConsistency.FOLLOWER, "n2", 7), local.atLeastIndex(7));
    assertEquals(new ReadOptions(ReadConsistency.LINEARIZABLE, "n1", 0), ReadOptions.linearizable().atReplica("n1"));
    assertNull(base.replica());
    assertEquals(0, base.minIndex());
  }

  @Test
  void nonsenseIsRefused() {
    assertThrows(IllegalArgumentException.class, () -> ReadOptions.follower().atLeastIndex(-1));
    assertThrows(IllegalArgumentException.class, () -> ReadOptions.follower().atReplica(" "));
    assertThrows(NullPointerException.class, () -> ReadOptions.follower().atReplica(null));
    assertThrows(NullPointerException.class, () -> ReadOptions.of(null));
  }
}
