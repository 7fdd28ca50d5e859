package quorumkv.server.ratis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import quorumkv.server.testing.Eventually;
import quorumkv.server.testing.LocalCluster;

/**
 * A no-space alarm that could not be sent (no quorum for longer than the sender's retries) is sent once the
 * quorum returns. Ratis closes an async client whose request exhausted its retries, for good; the sender
 * used to keep that client, so a node's alarm stayed raised for ever after one failure (CI: DiskFillPointsIT,
 * where a stale alarm of a healed node and a new full disk left too few voters with space for any write).
 */
class AlarmSenderIT {
  @TempDir
  Path dir;

  @Test
  void anAlarmSendThatFailedForWantOfAQuorumSucceedsOnceTheQuorumIsBack() throws Exception {
    try (LocalCluster cluster = LocalCluster.start(3, dir)) {
      cluster.waitForLeader(Duration.ofSeconds(30));
      KvNode n1 = cluster.node(0);
      try (NodeInternals.AlarmSenderHandle sender = NodeInternals.alarmSender(n1)) {
        cluster.stop(1);
        cluster.stop(2);
        sender.send(true, 0);
        Eventually.assertTrue(Duration.ofSeconds(60), sender::idle, "the send gives up without a quorum");
        assertEquals(-1, sender.committedIndex());
        cluster.restart(1);
        cluster.restart(2);
        cluster.waitForLeader(Duration.ofSeconds(30));
        // The doctor's own sender may clear n1's alarm meanwhile (n1 has space): what counts is that this
        // sender gets its alarm committed again.
        Eventually.assertTrue(Duration.ofSeconds(60), () -> {
          sender.send(true, 0);
          return sender.committedIndex() > 0;
        }, "the alarm is committed once the quorum is back");
        assertTrue(sender.idle() || sender.committedIndex() > 0);
      }
    }
  }
}
