package quorumkv.server;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import quorumkv.server.testing.LocalCluster;
import quorumkv.server.testing.RawKv;

/**
 * A follower back from an outage gets the entries it missed at once, however long it was away. The
 * leader's log appender pauses before each retry for a time that grows with its count of failed attempts,
 * and the pause ignores the follower's return. With Ratis's default policy ("1ms,10, 1s,20, 5s,1000") a
 * follower away for 6 s waited 2.4-3.5 s for its first entries and one away for 15 s about 20 s (issue 16,
 * found in the failover bench): all that time the cluster had one copy less than it showed.
 */
class FollowerReturnIT {
  private static final Logger LOG = LoggerFactory.getLogger(FollowerReturnIT.class);
  /** Long enough for the default policy to reach its 5 s pauses (more than 30 failed attempts, two per retry). */
  private static final Duration OUTAGE = Duration.ofSeconds(20);
  /** From the restart to caught up: 5.7 s after a 15 s outage with the default policy, 0.2 s with ours. */
  private static final Duration CATCH_UP = Duration.ofSeconds(5);

  @TempDir
  Path dir;

  @Test
  void aFollowerBackFromALongOutageIsCaughtUpWithinSeconds() throws Exception {
    try (LocalCluster cluster = LocalCluster.start(3, dir); RawKv kv = new RawKv(cluster)) {
      int leader = cluster.waitForLeader(Duration.ofSeconds(30));
      kv.put("before", "v");
      int follower = (leader + 1) % 3;
      cluster.stop(follower);
      long outageEnd = System.nanoTime() + OUTAGE.toNanos();
      int writes = 0;
      while (System.nanoTime() < outageEnd) {
        kv.put("away/" + writes++, "v");   // committed by the other two: the follower misses them
        Thread.sleep(50);
      }
      long target = cluster.node(leader).status().commitIndex();
      cluster.restart(follower);
      long back = System.nanoTime();
      long deadline = back + CATCH_UP.toNanos();
      while (cluster.node(follower).appliedIndex() < target && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - back);
      LOG.info("follower back after {} s and {} writes: applied index {} of {} after {} ms", OUTAGE.toSeconds(), writes,
          cluster.node(follower).appliedIndex(), target, ms);
      assertTrue(cluster.node(follower).appliedIndex() >= target, "the returning follower has not caught up "
          + CATCH_UP.toSeconds() + " s after its restart: " + cluster.describe());
    }
  }
}
