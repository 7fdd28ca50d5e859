package quorumkv.client;

import java.time.Duration;

/**
 * Cluster status and membership changes: the admin facet of a {@link KvClient} ({@link KvClient#admin()}).
 * Blocking; each call ends within its timeout (the client's deadline unless {@link #withTimeout} set
 * another), plus scheduling slack.
 *
 * <p>Every change is stated as the membership it wants ("n4 is a voter", "n2 is gone") and is
 * idempotent: the call reads the configuration from the leader, returns at once if it already holds,
 * and otherwise asks the leader for a Raft configuration change (compare-and-set against the
 * configuration it read, through Ratis's joint consensus) until the leader reports the wanted
 * configuration. A retry after any failure is therefore safe. Failures:
 * <ul>
 *   <li>{@link KvRejectedException} ({@code INVALID_ARGUMENT}): the change makes no sense for the current
 *       configuration (an unknown member, removing or demoting the last voter, an id already used at
 *       another address); nothing was changed.</li>
 *   <li>{@link KvUnavailableException}: no leader could be found, or no change was sent, before the
 *       timeout; nothing was changed.</li>
 *   <li>{@link KvIndeterminateException}: a change was sent but not confirmed in time; it may still
 *       complete. Look at {@link #clusterStatus()} or repeat the call.</li>
 * </ul>
 *
 * <p>Writes go on during every change; Raft's joint consensus means no acknowledged write is lost. A
 * node to be added must already run, configured with the group's members plus itself (itself as a
 * listener: {@code id=host:port:listener}); the configuration in the log then replaces its initial one.
 */
public interface KvAdmin {

  /** The group as the leader sees it: members, roles, and each member's lag in entries and time. */
  ClusterStatus clusterStatus();

  /**
   * Adds a running node as a listener: a non-voting member that receives the log asynchronously (it
   * catches up by snapshot if the log it needs was purged), serves FOLLOWER reads, and never counts
   * toward the quorum, so it never slows or stops writes.
   */
  void addListener(String id, String address);

  /**
   * Adds a running node as a voter the safe way: the leader catches a new node up as a non-voting
   * staging member before the configuration with it as a voter commits (a new voter that had to catch
   * up while voting could stall writes in a small cluster); a node that already is a listener is
   * promoted once it has caught up (see {@link #promote}). If a listener did not catch up (or was not
   * promoted) in time, the call fails with {@link KvIndeterminateException}, not "nothing changed": the
   * listener stays; repeating the call finishes the job.
   */
  void addVoter(String id, String address);

  /** Makes a listener a voter, after waiting (within the timeout) until it has caught up with the leader. */
  void promote(String id);

  /**
   * Makes a voter a listener. Demoting the leader first hands leadership to the most caught-up other
   * voter.
   */
  void demote(String id);

  /**
   * Removes a member, voter or listener; the node itself keeps running until stopped. Removing the
   * leader first hands leadership to the most caught-up other voter.
   */
  void remove(String id);

  /** Makes voter {@code id} the leader (Raft leadership transfer) and waits until it leads. */
  void transferLeadership(String id);

  /** This facet with another timeout per call; e.g. for adding a node that must first catch up a large log. */
  KvAdmin withTimeout(Duration timeout);
}
