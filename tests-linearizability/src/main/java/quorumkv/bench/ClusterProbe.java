package quorumkv.bench;

import java.util.List;

/**
 * Asks every member of a cluster, through the system's own status API, whom it follows: the failover phase
 * finds the leader to fault, and decides when the cluster is stable again, from these views. Each member is
 * asked with a short deadline, all at once, so that a stopped or cut-off member only makes its own view
 * missing.
 */
interface ClusterProbe extends AutoCloseable {

  /**
   * One member's answer.
   *
   * @param answered false if it did not answer within the probe's deadline (the other fields are then -1/false)
   * @param leader the index of the member it takes for the leader, -1 if none or unknown
   * @param term its Raft term
   * @param caughtUp it has applied (nearly) everything the cluster committed: QuorumKV's /ready and its
   *     applied index within {@link #MAX_LAG} of the cluster's commit index it reports, for etcd
   *     its applied index within {@link #MAX_LAG} of the highest raft index any member reported
   */
  record View(boolean answered, int leader, long term, boolean caughtUp) {
    static final View SILENT = new View(false, -1, -1, false);
  }

  /** Entries a member may trail by and still count as caught up: about a second of the paced writer. */
  long MAX_LAG = 200;

  /** One view per member, in member order. */
  List<View> views();

  /** Member {@code i}'s name (n1, e1, ...). */
  String name(int i);

  @Override
  void close();

  /**
   * The leader every member agrees on, if every member answered, is caught up and names the same leader;
   * else -1.
   */
  static int agreedLeader(List<View> views) {
    int leader = -1;
    for (View v : views) {
      if (!v.answered() || !v.caughtUp() || v.leader() < 0 || (leader >= 0 && v.leader() != leader)) {
        return -1;
      }
      leader = v.leader();
    }
    return leader;
  }

  /** The leader named by most answering members (ties: the lowest index), or -1 if none names one. */
  static int likelyLeader(List<View> views) {
    int[] votes = new int[views.size()];
    int best = -1;
    for (View v : views) {
      if (v.answered() && v.leader() >= 0 && v.leader() < votes.length) {
        votes[v.leader()]++;
        if (best < 0 || votes[v.leader()] > votes[best] || (votes[v.leader()] == votes[best] && v.leader() < best)) {
          best = v.leader();
        }
      }
    }
    return best;
  }

  /** The highest term any member reported, -1 if none answered. */
  static long maxTerm(List<View> views) {
    return views.stream().mapToLong(View::term).max().orElse(-1);
  }
}
