package quorumkv.server.ratis;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The decisions of self-healing membership, on the leader's view of its group at one moment; plain Java
 * with the clock passed in, so every rule is unit-tested without a cluster ({@link MembershipHealer} reads
 * the view and carries a decision out). The rules:
 * <ul>
 *   <li>A voter is <em>lost</em> when the leader has not heard from it for the grace period. Nothing else
 *       counts: a voter the leader has no contact figure for is not lost.</li>
 *   <li>Nothing happens unless the leader is ready, no configuration change is under way (or uncommitted),
 *       and a majority of the voters (the leader counting itself) answered within the answering window.</li>
 *   <li>Promotion first: while the voters other than a lost one would be fewer than the configured voter
 *       count, a listener is promoted, never a voter demoted; so healing never lowers the voter count, never
 *       demotes the last voter, and never removes anyone (a demoted node keeps its copy of the data).</li>
 *   <li>Only a listener that answered within the answering window and stayed within the lag bound for the
 *       whole grace period is promoted (the least behind first). A promotion waits for the cooldown after a
 *       voter was last added (see {@link #votersSeen}); a node that comes back is a listener and is never
 *       promoted back for its own sake, only to replace another lost voter.</li>
 *   <li>Demotion once there is a spare voter: a lost voter is demoted when the voters left would still be at
 *       least the configured count. This completes a replacement and is not held back by the cooldown.</li>
 * </ul>
 * Not thread-safe: one healer thread owns it.
 */
final class HealPolicy {
  /**
   * @param graceMillis a voter silent this long is lost; a listener must be caught up this long
   * @param cooldownMillis the least time from a voter added to the next promotion (see {@link #votersSeen})
   * @param maxLagEntries a listener at most this many entries behind the leader's log is caught up
   * @param answeringMillis a member heard from within this counts as answering (for the majority)
   * @param configuredVoters healing never leaves fewer voters than this
   */
  record Settings(long graceMillis, long cooldownMillis, long maxLagEntries, long answeringMillis, int configuredVoters) {
    Settings {
      if (answeringMillis <= 0 || answeringMillis > graceMillis) {
        throw new IllegalArgumentException("answering window " + answeringMillis + " ms must be in (0, grace]");
      }
      if (configuredVoters < 1) {
        throw new IllegalArgumentException("configured voters must be at least 1, got " + configuredVoters);
      }
    }
  }

  /**
   * One member as the leader sees it.
   *
   * @param lastContactMillis since the leader last heard from it; -1 unknown; 0 for the leader itself
   * @param lagEntries entries behind the leader's last log index; -1 unknown
   */
  record Member(String id, boolean voter, boolean self, long lastContactMillis, long lagEntries) {
    Member {
      Objects.requireNonNull(id, "id");
    }
  }

  /**
   * The leader's view at {@code nowMillis} (a monotonic clock).
   *
   * @param reconfiguring a configuration change is in progress or not yet committed
   */
  record View(long nowMillis, boolean leaderReady, boolean reconfiguring, List<Member> members) {
    View {
      members = List.copyOf(members);
    }
  }

  /** What to do now. */
  sealed interface Decision {
    /** Nothing to heal: no voter is lost. */
    record Healthy() implements Decision {}

    /**
     * A voter is lost but a rule holds healing back: {@code rule} names it (stable, for logging once per
     * rule), {@code reason} says it with the figures.
     */
    record Wait(Rule rule, String reason) implements Decision {}

    /** What holds a heal back. */
    enum Rule { LEADER_NOT_READY, RECONFIGURING, NO_MAJORITY, COOLDOWN, NO_CAUGHT_UP_LISTENER }

    /** Promote listener {@code listener} to replace the lost voter {@code lostVoter}. */
    record Promote(String listener, String lostVoter, String reason) implements Decision {}

    /** Demote the lost voter {@code voter} (it rejoins as a listener when it returns). */
    record Demote(String voter, String reason) implements Decision {}
  }

  private final Settings settings;
  /** Listener id -> since when it has been caught up without a break (reset when it falls behind or goes quiet). */
  private final Map<String, Long> caughtUpSince = new HashMap<>();
  /** The voters of the group's configuration as this node last saw them. */
  private Set<String> voters;
  /** Whether a voter was added since this node started, and when it saw that (its monotonic clock). */
  private boolean voterAdded;
  private long voterAddedMillis;

  /** @param startVoters the voters the node was configured with (raft.peers), the group's first configuration */
  HealPolicy(Settings settings, Set<String> startVoters) {
    this.settings = Objects.requireNonNull(settings, "settings");
    this.voters = Set.copyOf(startVoters);
  }

  Settings settings() {
    return settings;
  }

  /** The voters of {@code view} that are lost: silent for at least the grace period. */
  List<Member> lost(View view) {
    List<Member> out = new ArrayList<>();
    for (Member m : view.members()) {
      if (m.voter() && !m.self() && m.lastContactMillis() >= settings.graceMillis()) {
        out.add(m);
      }
    }
    out.sort(Comparator.comparingLong(Member::lastContactMillis).reversed().thenComparing(Member::id));
    return out;
  }

  /** Decides on {@code view}, also advancing the listeners' caught-up clocks (call once per look). */
  Decision decide(View view) {
    trackListeners(view);
    List<Member> lost = lost(view);
    if (lost.isEmpty()) {
      return new Decision.Healthy();
    }
    Member worst = lost.get(0);
    String lostText = worst.id() + " unreachable for " + seconds(worst.lastContactMillis()) + " (grace "
        + seconds(settings.graceMillis()) + ")";
    if (!view.leaderReady()) {
      return new Decision.Wait(Decision.Rule.LEADER_NOT_READY, lostText + "; the leader is not ready yet");
    }
    if (view.reconfiguring()) {
      return new Decision.Wait(Decision.Rule.RECONFIGURING, lostText + "; a configuration change is under way");
    }
    List<Member> voters = view.members().stream().filter(Member::voter).toList();
    long answering = voters.stream().filter(this::answering).count();
    if (2 * answering <= voters.size()) {
      return new Decision.Wait(Decision.Rule.NO_MAJORITY, lostText + "; only " + answering + " of " + voters.size()
          + " voters answering, no majority: never acting without one");
    }
    String majority = answering + " of " + voters.size() + " voters answering";
    if (voters.size() - 1 >= settings.configuredVoters()) {
      return new Decision.Demote(worst.id(), lostText + "; " + majority + "; " + (voters.size() - 1)
          + " voters remain (configured " + settings.configuredVoters() + ")");
    }
    long sinceAdded = view.nowMillis() - voterAddedMillis;
    if (voterAdded && sinceAdded < settings.cooldownMillis()) {
      return new Decision.Wait(Decision.Rule.COOLDOWN, lostText + "; cooldown: a voter was last added " + seconds(sinceAdded)
          + " ago (cooldown " + seconds(settings.cooldownMillis()) + ")");
    }
    Member candidate = null;
    for (Member m : view.members()) {
      Long since = caughtUpSince.get(m.id());
      if (!m.voter() && since != null && view.nowMillis() - since >= settings.graceMillis()
          && (candidate == null || m.lagEntries() < candidate.lagEntries())) {
        candidate = m;
      }
    }
    if (candidate == null) {
      return new Decision.Wait(Decision.Rule.NO_CAUGHT_UP_LISTENER, lostText + "; no listener has been caught up (within " + settings.maxLagEntries()
          + " entries, answering) for " + seconds(settings.graceMillis()) + " to replace it");
    }
    // Answering after the promotion too: the candidate answers, so the majority only grows.
    return new Decision.Promote(candidate.id(), worst.id(), lostText + "; " + majority + "; " + candidate.id()
        + " caught up (" + candidate.lagEntries() + " entries behind)");
  }

  /** The healer carried {@code decision} out at {@code nowMillis}: a promotion starts the cooldown. */
  void acted(Decision decision, long nowMillis) {
    if (decision instanceof Decision.Promote p) {
      voterAdded(nowMillis);
      caughtUpSince.remove(p.listener());
    }
  }

  /**
   * The voters of the group's configuration as this node sees them at {@code nowMillis}; every node calls
   * this at every look, leading or not. A voter added (whoever added it: a promotion of this node or of an
   * earlier leader, one that timed out here but committed, an operator's) starts the cooldown, as this node
   * saw it. So the cooldown survives a change of leader (the next leader saw the change as a follower) and
   * an indeterminate promotion. A node that starts with voters other than the configured ones (raft.peers)
   * cannot tell when that change was made and takes it as just now: a restart may delay a heal by one
   * cooldown, never let two come closer. Removals (the demotion that completes a replacement) start nothing.
   */
  void votersSeen(Set<String> now, long nowMillis) {
    if (!voters.containsAll(now)) {
      voterAdded(nowMillis);
    }
    voters = Set.copyOf(now);
  }

  private void voterAdded(long nowMillis) {
    if (!voterAdded || nowMillis - voterAddedMillis > 0) {
      voterAdded = true;
      voterAddedMillis = nowMillis;
    }
  }

  /** This node stopped leading (or leads a new term): what it saw of the followers no longer holds. */
  void forgetFollowers() {
    caughtUpSince.clear();
  }

  private boolean answering(Member m) {
    return m.self() || (m.lastContactMillis() >= 0 && m.lastContactMillis() < settings.answeringMillis());
  }

  private void trackListeners(View view) {
    Map<String, Long> next = new HashMap<>();
    for (Member m : view.members()) {
      if (!m.voter() && !m.self() && answering(m) && m.lagEntries() >= 0 && m.lagEntries() <= settings.maxLagEntries()) {
        next.put(m.id(), caughtUpSince.getOrDefault(m.id(), view.nowMillis()));
      }
    }
    caughtUpSince.clear();
    caughtUpSince.putAll(next);
  }

  private static String seconds(long millis) {
    return millis % 1000 == 0 ? millis / 1000 + " s" : String.format(java.util.Locale.ROOT, "%.1f s", millis / 1000.0);
  }
}
