package quorumkv.client.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The client's view of who leads, when a member cannot be reached (its process is gone). Which failures mark a
 * member unreachable: {@link FailuresTest}.
 */
class MembersTest {
  private static final RaftPeerId N1 = RaftPeerId.valueOf("n1");
  private static final RaftPeerId N2 = RaftPeerId.valueOf("n2");
  private static final RaftPeerId N3 = RaftPeerId.valueOf("n3");

  private final AtomicLong now = new AtomicLong(1_000_000_000L);
  private Members members;

  @BeforeEach
  void threeMembers() {
    members = new Members(List.of("127.0.0.1:1", "127.0.0.1:2", "127.0.0.1:3"), now::get);
    members.learnMembers(List.of(peer("n1", 1), peer("n2", 2), peer("n3", 3)));
  }

  @Test
  void peersNamingAnUnreachableOldLeaderAreNotBelieved() {
    members.leaderIs(N2);
    members.unreachable(N2);   // the leader's process died: its connection is refused
    assertNull(members.leader(), "an unreachable node is no longer taken for the leader");
    members.leaderIs(N2);      // a follower that has not yet noticed names it again
    assertNull(members.leader(), "hearsay about an unreachable node is disbelieved");
    members.leaderIs(N1);      // the election's winner, named by a follower
    assertEquals(N1, members.leader());
  }

  @Test
  void requestsPassOverAnUnreachableMemberWhileAnyOtherIsLeft() {
    members.unreachable(N2);
    Set<RaftPeerId> chosen = new HashSet<>();
    for (int i = 0; i < 30; i++) {
      chosen.add(members.leaderOrNext());
    }
    assertEquals(Set.of(N1, N3), chosen, "round robin over the reachable members");
    for (int i = 0; i < 30; i++) {
      assertEquals(N3, members.nextOtherThan(N1), "n3 is left: n2 is passed over");
    }
    members.unreachable(N1);
    members.unreachable(N3);
    assertTrue(Set.of(N1, N2, N3).contains(members.next()), "with every member unreachable, any is tried");
    assertTrue(Set.of(N1, N3).contains(members.nextOtherThan(N2)), "and a hedge still has someone to ask");
  }

  @Test
  void anAnswerOrTheMarksExpiryMakesAMemberReachableAgain() {
    members.unreachable(N2);
    members.answered(N2);      // it was restarted and replied
    assertFalse(members.isUnreachable(N2));
    members.leaderIs(N2);
    assertEquals(N2, members.leader());

    members.unreachable(N3);
    now.addAndGet(Members.UNREACHABLE_FOR_NANOS - 1);
    assertTrue(members.isUnreachable(N3));
    now.addAndGet(1);
    assertFalse(members.isUnreachable(N3), "tried again once the mark has expired: it may have restarted");
  }

  private static RaftPeer peer(String id, int port) {
    return RaftPeer.newBuilder().setId(id).setAddress("127.0.0.1:" + port).build();
  }
}
