package quorumkv.server.status;

import java.util.List;
import java.util.Set;

/**
 * What this node's self-check last found: its disk against the free-space floor, its Raft member, and
 * the cluster's no-space alarms. {@code /ready} fails while {@link #notReady} is not empty; {@code /health}
 * fails only with a {@link #notAlive} reason, when a restart would help.
 *
 * @param freeBytes usable bytes in the data dir's file system; -1 if unknown
 * @param floorBytes the free-space floor in force
 * @param belowFloor the node is degraded for lack of space (no writes through it, no leadership)
 * @param memberState what the Raft member is doing, see {@link MemberState}
 * @param noSpaceAlarms nodes whose no-space alarm is committed in the log
 * @param memberRestarts how many times the self-check restarted the Raft member
 * @param notReady why the node should take no traffic now; empty when it may
 * @param notAlive why only a restart can help, or null
 */
public record NodeCondition(long freeBytes, long floorBytes, boolean belowFloor, MemberState memberState,
    Set<String> noSpaceAlarms, long memberRestarts, List<String> notReady, String notAlive) {

  public NodeCondition {
    noSpaceAlarms = Set.copyOf(noSpaceAlarms);
    notReady = List.copyOf(notReady);
  }

  /** Before the first check. */
  public static NodeCondition unchecked() {
    return new NodeCondition(-1, -1, false, MemberState.RUNNING, Set.of(), 0, List.of(), null);
  }

  /** The Raft member as the self-check sees it. */
  public enum MemberState {
    /** Running, its log and store open. */
    RUNNING,
    /** Ratis failed its log (e.g. the disk filled): it takes no entries until restarted. */
    LOG_FAILED,
    /** Stopped on purpose while the disk is below its floor and the other voters can go on without it. */
    STOPPED_FOR_SPACE,
    /** Stopped or failed otherwise (its apply thread failed, or the cluster shut it down). */
    DOWN
  }
}
