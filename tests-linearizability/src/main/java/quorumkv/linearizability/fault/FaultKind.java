package quorumkv.linearizability.fault;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import quorumkv.linearizability.cluster.ClusterControl;

/**
 * The faults a nemesis injects, each with its heal. Before injecting, {@link #isAvailable} checks that
 * the fault makes sense on the current cluster (a bridge needs five nodes; a leader must exist to be
 * isolated), as etcd's robustness failpoints do.
 */
public enum FaultKind {
  /** The leader loses every link to its peers (it may still be reachable by clients). */
  PARTITION_LEADER,
  /** A minority and a majority, chosen at random. */
  PARTITION_HALVES,
  /** Two halves joined by one node that sees both (five nodes: {0,1} - 2 - {3,4}). */
  PARTITION_BRIDGE,
  /** Every node in one of two random groups. */
  PARTITION_RANDOM,
  /** kill -9 (or abrupt stop) of a random node, the leader half of the time; restarted at heal. */
  KILL,
  /** SIGSTOP of a random node, the leader half of the time; SIGCONT at heal. */
  PAUSE,
  /** Leadership moved to another node; nothing to heal. */
  TRANSFER_LEADER,
  /** A voter demoted to a non-voting listener (a configuration change through Raft); promoted back at heal. */
  MEMBERSHIP_CHANGE,
  /**
   * The file system of a node's data dir (the leader's half of the time) filled below the node's free-space
   * floor, so it degrades (gives up leadership, refuses writes); the filler deleted at heal, which waits
   * until the node is ready again. Needs a control whose nodes each have their own small disk.
   */
  DISK_FULL,
  /**
   * kill -9 of a node (the leader half of the time) under writes, and the end of its newest log segment cut
   * off (mid-entry, or at an entry boundary); restarted at heal (repaired first if it refuses its log), which
   * waits until it is a voter and ready again.
   */
  DAMAGED_TAIL;

  /** Cuts network links (healed by {@link ClusterControl#healAll}). */
  public boolean isPartition() {
    return this == PARTITION_LEADER || this == PARTITION_HALVES || this == PARTITION_BRIDGE
        || this == PARTITION_RANDOM;
  }

  public boolean isAvailable(ClusterControl c) {
    return switch (this) {
      case PARTITION_BRIDGE -> c.size() >= 5;
      case PARTITION_LEADER, TRANSFER_LEADER, MEMBERSHIP_CHANGE -> c.leader() >= 0;
      case DISK_FULL, DAMAGED_TAIL -> c.size() >= 3 && c.whyNoDiskFaults() == null;
      default -> c.size() >= 3;
    };
  }

  /** Injects the fault; returns its heal and a description of what was done. */
  public Injected inject(ClusterControl c, Random random) throws Exception {
    int n = c.size();
    switch (this) {
      case PARTITION_LEADER: {
        int leader = c.leader();
        Set<Integer> rest = others(n, leader);
        c.partition(List.of(Set.of(leader), rest));
        return new Injected("isolate leader " + c.id(leader), c::healAll, leader);
      }
      case PARTITION_HALVES: {
        List<Integer> order = shuffled(n, random);
        Set<Integer> minority = new HashSet<>(order.subList(0, (n - 1) / 2));
        Set<Integer> majority = new HashSet<>(order.subList((n - 1) / 2, n));
        c.partition(List.of(minority, majority));
        return new Injected("minority " + ids(c, minority) + " | majority " + ids(c, majority), c::healAll, -1);
      }
      case PARTITION_BRIDGE: {
        List<Integer> o = shuffled(n, random);
        List<int[]> links = new ArrayList<>();
        for (int a : List.of(o.get(0), o.get(1))) {
          for (int b : List.of(o.get(3), o.get(4))) {
            links.add(new int[] {a, b});
          }
        }
        c.cutLinks(links);
        return new Injected("bridge " + c.id(o.get(2)) + " between " + ids(c, Set.of(o.get(0), o.get(1)))
            + " and " + ids(c, Set.of(o.get(3), o.get(4))), c::healAll, -1);
      }
      case PARTITION_RANDOM: {
        Set<Integer> a = new HashSet<>();
        for (int i = 0; i < n; i++) {
          if (random.nextBoolean()) {
            a.add(i);
          }
        }
        if (a.isEmpty() || a.size() == n) {
          a = Set.of(random.nextInt(n));
        }
        c.partition(List.of(a, others(n, a)));
        return new Injected("random halves " + ids(c, a) + " | " + ids(c, others(n, a)), c::healAll, -1);
      }
      case KILL: {
        int victim = pickVictim(c, random);
        c.kill(victim);
        return new Injected("kill " + c.id(victim), () -> c.restart(victim), victim);
      }
      case PAUSE: {
        int victim = pickVictim(c, random);
        c.pause(victim);
        return new Injected("pause " + c.id(victim), () -> c.resume(victim), victim);
      }
      case TRANSFER_LEADER: {
        int leader = c.leader();
        int target = (leader + 1 + random.nextInt(n - 1)) % n;
        c.transferLeadership(target);
        return new Injected("transfer leadership " + c.id(leader) + " -> " + c.id(target), () -> { }, target);
      }
      case MEMBERSHIP_CHANGE: {
        int leader = c.leader();
        int victim = (leader + 1 + random.nextInt(n - 1)) % n;   // a follower: demoting a leader moves it first
        c.demote(victim);
        return new Injected("demote " + c.id(victim) + " to listener", () -> c.promote(victim), victim);
      }
      case DISK_FULL: {
        int leader = c.leader();
        int victim = leader >= 0 && random.nextBoolean() ? leader : random.nextInt(n);
        String done = c.fillDisk(victim);
        return new Injected("fill the disk of " + c.id(victim) + (victim == leader ? " (leader)" : "") + ": " + done,
            () -> c.emptyDisk(victim), victim);
      }
      case DAMAGED_TAIL: {
        int leader = c.leader();
        int victim = leader >= 0 && random.nextBoolean() ? leader : random.nextInt(n);
        String cut = c.damageLogTail(victim, random);
        String[] healed = {""};
        Heal restart = new Heal() {
          @Override
          public void run() throws Exception {
            healed[0] = c.restartDamaged(victim);
          }

          @Override
          public String note() {
            return healed[0];
          }
        };
        return new Injected("kill -9 " + c.id(victim) + (victim == leader ? " (leader)" : "") + ", " + cut, restart,
            victim);
      }
      default:
        throw new AssertionError(this);
    }
  }

  private static int pickVictim(ClusterControl c, Random random) {
    int leader = c.leader();
    return leader >= 0 && random.nextBoolean() ? leader : random.nextInt(c.size());
  }

  private static Set<Integer> others(int n, int one) {
    return others(n, Set.of(one));
  }

  private static Set<Integer> others(int n, Set<Integer> group) {
    Set<Integer> rest = new HashSet<>();
    for (int i = 0; i < n; i++) {
      if (!group.contains(i)) {
        rest.add(i);
      }
    }
    return rest;
  }

  private static List<Integer> shuffled(int n, Random random) {
    List<Integer> order = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      order.add(i);
    }
    java.util.Collections.shuffle(order, random);
    return order;
  }

  private static String ids(ClusterControl c, Set<Integer> group) {
    return group.stream().sorted().map(c::id).toList().toString();
  }

  /** An injected fault: what was done, how to heal it, and the node it targeted (-1 if none). */
  public record Injected(String description, Heal heal, int target) {}

  /** Undoes a fault. */
  public interface Heal {
    void run() throws Exception;

    /** What the heal found and did, for the fault's description ("" if nothing to say). */
    default String note() {
      return "";
    }
  }
}
