package quorumkv.client;

import java.time.Duration;
import java.util.Optional;
import java.util.function.Consumer;
import quorumkv.raftlog.command.Bytes;

/**
 * Leader election for a service's instances (etcd's election recipe): each candidate campaigns with a
 * proposal (its address, say); the oldest candidate still alive leads, the others wait in line. A leader
 * whose lease expires (it died, or was paused or partitioned past its TTL) loses leadership and the next
 * candidate takes over within the lease's TTL plus the expiry slack. A won campaign is a {@link KvLock}:
 * its fencing token and {@link KvLock#fenced} guard the leader's writes; closing it resigns.
 */
public interface KvElection {

  /** The current leader as the store holds it (a linearizable read), if any. */
  record Leader(String proposal, long fencingToken, Bytes key) {}

  String name();

  /** Waits (without bound) until this candidate leads. */
  KvLock campaign(String proposal);

  /** Waits at most {@code maxWait}; {@link KvUnavailableException} if not elected by then (nothing left behind). */
  KvLock campaign(String proposal, Duration maxWait);

  Optional<Leader> leader();

  /**
   * Calls {@code onChange} with the leader now and after each change (empty while there is none), on a
   * watch thread, until closed: the same sequence of leaders the store went through, each change once.
   */
  Watch observe(Consumer<Optional<Leader>> onChange);
}
