package quorumkv.server.ratis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import quorumkv.client.KvAdmin;
import quorumkv.client.KvClient;
import quorumkv.client.KvIndeterminateException;
import quorumkv.server.ratis.HealPolicy.Member;

/**
 * The healer around its policy, with a stand-in for the node's Raft member and admin client (no cluster):
 * its close is prompt whatever a membership change under way does, and the cooldown holds across a change
 * of leader and a promotion that timed out. Deadlines here are generous; nothing asserts on speed.
 */
class MembershipHealerTest {
  private static final long GRACE = 1_000; // looks every 166 ms
  private static final Set<String> THREE = Set.of("n1", "n2", "n3");
  /** More looks than it takes a caught-up listener to be promoted (the grace, plus a margin), were nothing to hold it. */
  private static final int LOOKS_PAST_THE_GRACE = 3 * (int) (GRACE / 166);

  private final Stand stand = new Stand();
  private MembershipHealer healer;

  @AfterEach
  void close() {
    stand.release.countDown();
    if (healer != null) {
      healer.close();
    }
  }

  private MembershipHealer start(Duration actionTimeout) {
    healer = new MembershipHealer("n1", true, new HealPolicy.Settings(GRACE, TimeUnit.HOURS.toMillis(1), 100, GRACE, 3),
        THREE, actionTimeout, stand);
    healer.start();
    return healer;
  }

  private static Member self() {
    return new Member("n1", true, true, 0, 0);
  }

  private static Member voter(String id, long contact) {
    return new Member(id, true, false, contact, 0);
  }

  private static Member listener(String id) {
    return new Member(id, false, false, 50, 0);
  }

  /** n1 leads in term 2 with {@code members}; the voters are the members that vote. */
  private static MembershipHealer.Look leading(Member... members) {
    Set<String> voters = java.util.Arrays.stream(members).filter(Member::voter).map(Member::id)
        .collect(java.util.stream.Collectors.toSet());
    return new MembershipHealer.Look(voters, new MembershipHealer.LeaderLook(2, true, false, List.of(members)));
  }

  /** Waits (at most 30 s) until the healer has taken {@code n} more looks. */
  private void looks(int n) throws InterruptedException {
    int until = stand.looks.get() + n;
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (stand.looks.get() < until) {
      assertTrue(System.nanoTime() < deadline, "the healer took no " + n + " looks in 30 s");
      Thread.sleep(20);
    }
  }

  @Test
  void closeIsPromptWhileAPromotionIgnoresInterruptsAndTheClosedClient() throws Exception {
    stand.look = leading(self(), voter("n2", 50), voter("n3", 60_000), listener("n4"));
    stand.onPromote = id -> stand.awaitRelease(false); // stuck: neither an interrupt nor close ends it
    start(Duration.ofHours(1)); // the call's own timeout would never end it here
    assertTrue(stand.promoting.await(30, TimeUnit.SECONDS), "n4 is promoted once caught up for the grace");
    assertFalse(closeWithin(Duration.ofSeconds(30)), "close waited for a stuck membership change");
    assertEquals(0, healer.failures(), "closing is no failure of healing");
  }

  @Test
  void closeEndsAPromotionUnderWayByClosingItsClient() throws Exception {
    stand.look = leading(self(), voter("n2", 50), voter("n3", 60_000), listener("n4"));
    stand.onPromote = id -> stand.awaitRelease(true); // like a Ratis call: fails once its client is closed
    start(Duration.ofHours(1));
    assertTrue(stand.promoting.await(30, TimeUnit.SECONDS), "n4 is promoted once caught up for the grace");
    assertFalse(closeWithin(Duration.ofSeconds(30)));
    assertTrue(stand.clientClosed.await(30, TimeUnit.SECONDS), "close closes the admin client");
    assertTrue(stand.callEnded.await(30, TimeUnit.SECONDS), "the call under way ended");
    assertEquals(0, healer.failures());
    assertEquals(0, healer.promotions());
  }

  @Test
  void aFollowerThatSawAVoterAddedHoldsTheNextPromotionWhenItLeads() throws Exception {
    // As a follower, n1 sees the old leader promote n4 (and then demote n3): the voters grew.
    stand.look = new MembershipHealer.Look(Set.of("n1", "n2", "n3", "n4"), null);
    start(Duration.ofSeconds(10));
    looks(2);
    stand.look = new MembershipHealer.Look(Set.of("n1", "n2", "n4"), null);
    looks(2);
    // n1 leads now; n2 is lost and n3 is a caught-up listener: a promotion is due but for the cooldown.
    stand.look = leading(self(), voter("n2", 60_000), voter("n4", 50), listener("n3"));
    looks(LOOKS_PAST_THE_GRACE);
    assertEquals(0, stand.promotes.size(), "promoted within the cooldown of the old leader's promotion: " + stand.promotes);
    assertEquals(0, healer.promotions());
  }

  @Test
  void aPromotionThatTimedOutButCommittedStartsTheCooldown() throws Exception {
    stand.look = leading(self(), voter("n2", 50), voter("n3", 60_000), listener("n4"));
    stand.onPromote = id -> {
      // It commits, but the answer does not come in time.
      stand.look = leading(self(), voter("n2", 60_000), voter("n3", 60_000), voter("n4", 50));
      throw new KvIndeterminateException("promote " + id + ": not done within the timeout", null);
    };
    start(Duration.ofSeconds(10));
    assertTrue(stand.promoting.await(30, TimeUnit.SECONDS));
    looks(2);
    // n3 was demoted; n2 is lost now too, and n3 is back as a caught-up listener.
    stand.look = leading(self(), voter("n2", 60_000), voter("n4", 50), listener("n3"));
    looks(LOOKS_PAST_THE_GRACE);
    assertEquals(List.of("n4"), stand.promotes, "a second promotion within the cooldown of one that committed");
    assertEquals(1, healer.failures());
  }

  /** Closes the healer on another thread; true if it had not returned within {@code deadline}. */
  private boolean closeWithin(Duration deadline) throws InterruptedException {
    Thread closer = new Thread(healer::close, "closer");
    closer.setDaemon(true);
    closer.start();
    closer.join(deadline.toMillis());
    return closer.isAlive();
  }

  /** The node's Raft member and its admin client, as the test sets them. */
  private static final class Stand implements MembershipHealer.Source {
    volatile MembershipHealer.Look look;
    volatile Consumer<String> onPromote = id -> { };
    final AtomicInteger looks = new AtomicInteger();
    final List<String> promotes = new CopyOnWriteArrayList<>();
    final CountDownLatch promoting = new CountDownLatch(1);
    final CountDownLatch clientClosed = new CountDownLatch(1);
    final CountDownLatch callEnded = new CountDownLatch(1);
    final CountDownLatch release = new CountDownLatch(1);

    @Override
    public MembershipHealer.Look look() {
      looks.incrementAndGet();
      return look;
    }

    /** Blocks, ignoring interrupts, until the test ends, or (if {@code untilClosed}) the client is closed. */
    void awaitRelease(boolean untilClosed) {
      try {
        while (true) {
          try {
            if (release.await(50, TimeUnit.MILLISECONDS) || (untilClosed && clientClosed.getCount() == 0)) {
              break;
            }
          } catch (InterruptedException e) {
            // ignored on purpose: the worst case of a call that does not answer interrupts
          }
        }
      } finally {
        callEnded.countDown();
      }
      throw new IllegalStateException("client closed");
    }

    @Override
    public KvClient connect() {
      KvAdmin admin = (KvAdmin) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {KvAdmin.class},
          (proxy, method, args) -> switch (method.getName()) {
            case "withTimeout" -> proxy;
            case "promote" -> {
              promotes.add((String) args[0]);
              promoting.countDown();
              onPromote.accept((String) args[0]);
              yield null;
            }
            default -> throw new UnsupportedOperationException(method.getName());
          });
      return (KvClient) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {KvClient.class},
          (proxy, method, args) -> switch (method.getName()) {
            case "admin" -> admin;
            case "close" -> {
              clientClosed.countDown();
              yield null;
            }
            default -> throw new UnsupportedOperationException(method.getName());
          });
    }
  }
}
