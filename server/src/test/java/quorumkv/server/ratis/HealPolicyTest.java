package quorumkv.server.ratis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import quorumkv.server.ratis.HealPolicy.Decision;
import quorumkv.server.ratis.HealPolicy.Member;
import quorumkv.server.ratis.HealPolicy.View;

/** Every rule of self-healing membership, on views made by hand (no cluster, the clock passed in). */
class HealPolicyTest {
  private static final long GRACE = 3_000;
  private static final long COOLDOWN = 60_000;
  private static final long MAX_LAG = 100;
  private static final long ANSWERING = 1_000;

  private static final Set<String> THREE = Set.of("n1", "n2", "n3");

  private final HealPolicy policy = new HealPolicy(new HealPolicy.Settings(GRACE, COOLDOWN, MAX_LAG, ANSWERING, 3), THREE);

  private static Member leader(String id) {
    return new Member(id, true, true, 0, 0);
  }

  private static Member voter(String id, long contact) {
    return new Member(id, true, false, contact, 0);
  }

  private static Member listener(String id, long contact, long lag) {
    return new Member(id, false, false, contact, lag);
  }

  private static View view(long now, Member... members) {
    return new View(now, true, false, List.of(members));
  }

  /** Feeds the same healthy listener n4 to the policy from t=0 to {@code until}, one look per 500 ms. */
  private void listenerCaughtUpUntil(long until, Member... voters) {
    for (long t = 0; t < until; t += 500) {
      List<Member> ms = new ArrayList<>(List.of(voters));
      ms.add(listener("n4", 50, 3));
      policy.decide(new View(t, true, false, ms));
    }
  }

  @Test
  void allVotersAnsweringIsHealthy() {
    assertInstanceOf(Decision.Healthy.class, policy.decide(view(0, leader("n1"), voter("n2", 50), voter("n3", 80),
        listener("n4", 50, 0))));
  }

  @Test
  void aVoterSilentForLessThanTheGraceIsNotLost() {
    listenerCaughtUpUntil(10_000, leader("n1"), voter("n2", 50), voter("n3", 50));
    Decision d = policy.decide(view(10_000, leader("n1"), voter("n2", 50), voter("n3", GRACE - 1),
        listener("n4", 50, 0)));
    assertInstanceOf(Decision.Healthy.class, d);
  }

  @Test
  void aLostVoterIsReplacedByACaughtUpListenerFirstThenDemoted() {
    listenerCaughtUpUntil(10_000, leader("n1"), voter("n2", 50), voter("n3", 50));
    Decision first = policy.decide(view(10_000, leader("n1"), voter("n2", 50), voter("n3", GRACE),
        listener("n4", 50, 2)));
    Decision.Promote p = assertInstanceOf(Decision.Promote.class, first);
    assertEquals("n4", p.listener());
    assertEquals("n3", p.lostVoter());
    assertTrue(p.reason().contains("n3 unreachable for 3 s (grace 3 s)"), p.reason());
    policy.acted(first, 10_000);
    // n4 is a voter now: four voters, one lost, a spare beyond the configured three: demote n3.
    Decision second = policy.decide(view(10_500, leader("n1"), voter("n2", 50), voter("n3", GRACE + 500),
        voter("n4", 50)));
    Decision.Demote d = assertInstanceOf(Decision.Demote.class, second);
    assertEquals("n3", d.voter());
    policy.acted(second, 10_500);
    // n3 a listener now: healthy again, whatever n3 does.
    assertInstanceOf(Decision.Healthy.class, policy.decide(view(11_000, leader("n1"), voter("n2", 50),
        voter("n4", 50), listener("n3", 60_000, -1))));
  }

  @Test
  void neverWithoutAMajorityOfVotersAnswering() {
    listenerCaughtUpUntil(10_000, leader("n1"), voter("n2", 50), voter("n3", 50));
    // Both other voters silent: the leader alone is no majority of three.
    Decision d = policy.decide(view(10_000, leader("n1"), voter("n2", GRACE), voter("n3", GRACE),
        listener("n4", 50, 0)));
    assertTrue(assertInstanceOf(Decision.Wait.class, d).reason().contains("no majority"), d.toString());
    assertEquals(Decision.Rule.NO_MAJORITY, ((Decision.Wait) d).rule());
    // One slow (beyond the answering window, within the grace) and one lost: still no majority.
    d = policy.decide(view(10_500, leader("n1"), voter("n2", ANSWERING), voter("n3", GRACE),
        listener("n4", 50, 0)));
    assertInstanceOf(Decision.Wait.class, d);
    // Nor a demotion with a spare voter: four voters, two lost.
    d = policy.decide(view(11_000, leader("n1"), voter("n2", 50), voter("n3", GRACE), voter("n4", GRACE)));
    assertTrue(assertInstanceOf(Decision.Wait.class, d).reason().contains("2 of 4"), d.toString());
  }

  @Test
  void aVoterWithoutAContactFigureCountsAsNeitherAnsweringNorLost() {
    Decision d = policy.decide(view(10_000, leader("n1"), voter("n2", -1), voter("n3", -1)));
    assertInstanceOf(Decision.Healthy.class, d);
    d = policy.decide(view(10_500, leader("n1"), voter("n2", -1), voter("n3", GRACE), listener("n4", 50, 0)));
    assertTrue(assertInstanceOf(Decision.Wait.class, d).reason().contains("no majority"), d.toString());
  }

  @Test
  void notWhileTheLeaderIsNotReadyOrAChangeIsUnderWay() {
    listenerCaughtUpUntil(10_000, leader("n1"), voter("n2", 50), voter("n3", 50));
    List<Member> ms = List.of(leader("n1"), voter("n2", 50), voter("n3", GRACE), listener("n4", 50, 0));
    assertTrue(assertInstanceOf(Decision.Wait.class, policy.decide(new View(10_000, false, false, ms)))
        .reason().contains("not ready"));
    assertEquals(Decision.Rule.LEADER_NOT_READY, ((Decision.Wait) policy.decide(new View(10_200, false, false, ms))).rule());
    assertEquals(Decision.Rule.RECONFIGURING, ((Decision.Wait) policy.decide(new View(10_300, true, true, ms))).rule());
    assertTrue(assertInstanceOf(Decision.Wait.class, policy.decide(new View(10_500, true, true, ms)))
        .reason().contains("configuration change"));
    assertInstanceOf(Decision.Promote.class, policy.decide(new View(11_000, true, false, ms)));
  }

  @Test
  void withoutACaughtUpListenerNothingIsDemoted() {
    // No listener at all: demoting n3 would leave two voters, below the configured three.
    Decision d = policy.decide(view(10_000, leader("n1"), voter("n2", 50), voter("n3", 60_000)));
    assertTrue(assertInstanceOf(Decision.Wait.class, d).reason().contains("no listener"), d.toString());
    assertEquals(Decision.Rule.NO_CAUGHT_UP_LISTENER, ((Decision.Wait) d).rule());
    // A listener too far behind.
    for (long t = 0; t <= 10_000; t += 500) {
      d = policy.decide(view(t, leader("n1"), voter("n2", 50), voter("n3", 60_000), listener("n4", 50, MAX_LAG + 1)));
    }
    assertInstanceOf(Decision.Wait.class, d);
    // A listener that does not answer.
    for (long t = 10_500; t <= 20_000; t += 500) {
      d = policy.decide(view(t, leader("n1"), voter("n2", 50), voter("n3", 60_000), listener("n4", ANSWERING, 0)));
    }
    assertInstanceOf(Decision.Wait.class, d);
    // A listener whose lag the leader does not know.
    for (long t = 20_500; t <= 30_000; t += 500) {
      d = policy.decide(view(t, leader("n1"), voter("n2", 50), voter("n3", 60_000), listener("n4", 50, -1)));
    }
    assertInstanceOf(Decision.Wait.class, d);
  }

  @Test
  void aListenerMustStayCaughtUpForTheWholeGrace() {
    Member n3Lost = voter("n3", 60_000);
    Decision d = null;
    for (long t = 0; t < GRACE; t += 500) {
      d = policy.decide(view(t, leader("n1"), voter("n2", 50), n3Lost, listener("n4", 50, 0)));
      assertInstanceOf(Decision.Wait.class, d, "caught up only since 0, at " + t);
    }
    // It falls behind once: its clock starts over.
    policy.decide(view(GRACE, leader("n1"), voter("n2", 50), n3Lost, listener("n4", 50, MAX_LAG + 1)));
    for (long t = GRACE + 500; t < 2 * GRACE + 500; t += 500) {
      assertInstanceOf(Decision.Wait.class,
          policy.decide(view(t, leader("n1"), voter("n2", 50), n3Lost, listener("n4", 50, 0))), "at " + t);
    }
    d = policy.decide(view(2 * GRACE + 500, leader("n1"), voter("n2", 50), n3Lost, listener("n4", 50, 0)));
    assertInstanceOf(Decision.Promote.class, d);
  }

  @Test
  void theLeastLaggingListenerIsPromotedAndTheLongestLostVoterReplacedFirst() {
    HealPolicy five = new HealPolicy(new HealPolicy.Settings(GRACE, COOLDOWN, MAX_LAG, ANSWERING, 5),
        Set.of("n1", "n2", "n3", "n4", "n5"));
    Decision d = null;
    for (long t = 0; t <= 10_000; t += 500) {
      d = five.decide(view(t, leader("n1"), voter("n2", 50), voter("n3", 50), voter("n4", GRACE + 10),
          voter("n5", GRACE + 900), listener("n6", 50, 40), listener("n7", 50, 5)));
    }
    Decision.Promote p = assertInstanceOf(Decision.Promote.class, d);
    assertEquals("n7", p.listener());
    assertEquals("n5", p.lostVoter());
  }

  @Test
  void promotionsAreACooldownApartButTheDemotionThatCompletesOneIsNot() {
    listenerCaughtUpUntil(10_000, leader("n1"), voter("n2", 50), voter("n3", 50));
    Decision first = policy.decide(view(10_000, leader("n1"), voter("n2", 50), voter("n3", GRACE),
        listener("n4", 50, 0)));
    policy.acted(first, 10_000);
    Decision demote = policy.decide(view(10_100, leader("n1"), voter("n2", 50), voter("n3", GRACE), voter("n4", 50)));
    assertInstanceOf(Decision.Demote.class, demote);
    policy.acted(demote, 10_100);
    // Now n2 is lost too, and n3 is back as a caught-up listener: not before the cooldown ends.
    Decision d = null;
    for (long t = 10_500; t < 10_000 + COOLDOWN; t += 500) {
      d = policy.decide(view(t, leader("n1"), voter("n2", GRACE), voter("n4", 50), listener("n3", 50, 0)));
      assertEquals(Decision.Rule.COOLDOWN, assertInstanceOf(Decision.Wait.class, d).rule(), "at " + t + ": " + d);
    }
    d = policy.decide(view(10_000 + COOLDOWN, leader("n1"), voter("n2", GRACE), voter("n4", 50), listener("n3", 50, 0)));
    Decision.Promote p = assertInstanceOf(Decision.Promote.class, d);
    assertEquals("n3", p.listener());
  }

  /** n2 lost, n3 a caught-up listener (n4 replaced it earlier): the view in which a promotion is due but for the cooldown. */
  private Decision n2LostN3Waiting(HealPolicy p, long at) {
    return p.decide(view(at, leader("n1"), voter("n2", GRACE), voter("n4", 50), listener("n3", 50, 0)));
  }

  /** Feeds that view from {@code from} for one grace, so n3 has been caught up long enough. */
  private void n3CaughtUp(HealPolicy p, long from) {
    for (long t = from; t < from + GRACE; t += 500) {
      n2LostN3Waiting(p, t);
    }
  }

  @Test
  void aPromotionSeenInTheConfigurationStartsTheCooldownOnEveryNode() {
    // This node (n1) is a follower while the old leader promotes n4 (then demotes n3) at 10 s: it sees
    // the voters change, and nothing told its policy about an action.
    policy.votersSeen(THREE, 0);
    policy.votersSeen(Set.of("n1", "n2", "n3", "n4"), 10_000);
    policy.votersSeen(Set.of("n1", "n2", "n4"), 10_500);
    // The old leader is gone; n1 leads (a new term: what it saw of the followers is forgotten).
    policy.forgetFollowers();
    n3CaughtUp(policy, 20_000);
    Decision d = n2LostN3Waiting(policy, 10_000 + COOLDOWN - 1);
    assertEquals(Decision.Rule.COOLDOWN, assertInstanceOf(Decision.Wait.class, d).rule(), d.toString());
    assertTrue(d.toString().contains("a voter was last added"), d.toString());
    assertEquals("n3", assertInstanceOf(Decision.Promote.class, n2LostN3Waiting(policy, 10_000 + COOLDOWN)).listener());
  }

  @Test
  void aPromotionThatTimedOutButCommittedStartsTheCooldown() {
    listenerCaughtUpUntil(10_000, leader("n1"), voter("n2", 50), voter("n3", 50));
    Decision first = policy.decide(view(10_000, leader("n1"), voter("n2", 50), voter("n3", GRACE), listener("n4", 50, 0)));
    assertInstanceOf(Decision.Promote.class, first);
    // The promote call timed out (the healer does not call acted), but the change committed: the next look sees n4.
    policy.votersSeen(Set.of("n1", "n2", "n3", "n4"), 10_500);
    policy.votersSeen(Set.of("n1", "n2", "n4"), 11_000); // the demotion of n3 starts nothing
    n3CaughtUp(policy, 11_000);
    assertEquals(Decision.Rule.COOLDOWN,
        assertInstanceOf(Decision.Wait.class, n2LostN3Waiting(policy, 10_500 + COOLDOWN - 1)).rule());
    assertInstanceOf(Decision.Promote.class, n2LostN3Waiting(policy, 10_500 + COOLDOWN));
  }

  @Test
  void aNodeStartingWithOtherVotersThanConfiguredTakesTheChangeAsJustMade() {
    // Restarted after n4 replaced n3 at some time it cannot know: the cooldown counts from its first look.
    policy.votersSeen(Set.of("n1", "n2", "n4"), 50_000);
    n3CaughtUp(policy, 50_000);
    assertEquals(Decision.Rule.COOLDOWN,
        assertInstanceOf(Decision.Wait.class, n2LostN3Waiting(policy, 50_000 + COOLDOWN - 1)).rule());
    assertInstanceOf(Decision.Promote.class, n2LostN3Waiting(policy, 50_000 + COOLDOWN));
  }

  @Test
  void theConfiguredVotersOrARemovalStartNoCooldown() {
    Set<String> five = Set.of("n1", "n2", "n3", "n4", "n5");
    HealPolicy p = new HealPolicy(new HealPolicy.Settings(GRACE, COOLDOWN, MAX_LAG, ANSWERING, 5), five);
    p.votersSeen(five, 0); // as configured: no change
    p.votersSeen(Set.of("n1", "n2", "n3", "n4"), 1_000); // an operator demoted n5: nothing was added
    Decision d = null;
    for (long t = 1_000; t <= 1_000 + GRACE; t += 500) {
      d = p.decide(view(t, leader("n1"), voter("n2", GRACE), voter("n3", 50), voter("n4", 50), listener("n6", 50, 0)));
    }
    assertEquals("n6", assertInstanceOf(Decision.Promote.class, d).listener());
  }

  @Test
  void aReturningNodeIsNeverPromotedBackForItsOwnSake() {
    // n3 was replaced by n4 and came back as a caught-up listener; every voter answers: nothing to do, ever.
    for (long t = 0; t <= 10 * COOLDOWN; t += 5_000) {
      assertInstanceOf(Decision.Healthy.class, policy.decide(view(t, leader("n1"), voter("n2", 50), voter("n4", 50),
          listener("n3", 50, 0))));
    }
  }

  @Test
  void neverBelowTheConfiguredVoterCountNorTheLastVoter() {
    // Two voters configured as three (an operator demoted one): a lost voter is never demoted without a replacement.
    Decision d = policy.decide(view(10_000, leader("n1"), voter("n2", GRACE), listener("n3", 50, 0)));
    assertInstanceOf(Decision.Wait.class, d);
    // A single configured voter: the leader is never lost, so nothing ever demotes the last voter.
    HealPolicy one = new HealPolicy(new HealPolicy.Settings(GRACE, COOLDOWN, MAX_LAG, ANSWERING, 1), Set.of("n1"));
    assertInstanceOf(Decision.Healthy.class, one.decide(view(10_000, leader("n1"), listener("n2", 60_000, -1))));
    // Five voters with three configured: the lost one can go without a replacement, still above three.
    d = policy.decide(view(10_000, leader("n1"), voter("n2", 50), voter("n3", 50), voter("n4", 50), voter("n5", GRACE)));
    assertEquals("n5", assertInstanceOf(Decision.Demote.class, d).voter());
  }

  @Test
  void theLeaderNeverCountsItselfLost() {
    Decision d = policy.decide(view(10_000, new Member("n1", true, true, 60_000, 0), voter("n2", 50), voter("n3", 50)));
    assertInstanceOf(Decision.Healthy.class, d);
  }

  @Test
  void aNewTermForgetsWhatTheOldOneSawOfTheListeners() {
    listenerCaughtUpUntil(10_000, leader("n1"), voter("n2", 50), voter("n3", 50));
    policy.forgetFollowers();
    Decision d = policy.decide(view(10_000, leader("n1"), voter("n2", 50), voter("n3", GRACE), listener("n4", 50, 0)));
    assertInstanceOf(Decision.Wait.class, d);
  }

  @Test
  void lostCountsOnlyVotersPastTheGrace() {
    View v = view(0, leader("n1"), voter("n2", GRACE), voter("n3", GRACE - 1), listener("n4", 60_000, -1));
    assertEquals(List.of("n2"), policy.lost(v).stream().map(Member::id).toList());
  }

  @Test
  void settingsAreChecked() {
    assertThrows(IllegalArgumentException.class, () -> new HealPolicy.Settings(GRACE, COOLDOWN, MAX_LAG, GRACE + 1, 3));
    assertThrows(IllegalArgumentException.class, () -> new HealPolicy.Settings(GRACE, COOLDOWN, MAX_LAG, 0, 3));
    assertThrows(IllegalArgumentException.class, () -> new HealPolicy.Settings(GRACE, COOLDOWN, MAX_LAG, ANSWERING, 0));
  }
}
