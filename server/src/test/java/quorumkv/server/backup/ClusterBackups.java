package quorumkv.server.backup;

import java.time.Duration;
import quorumkv.server.ratis.NodeInternals;
import quorumkv.server.testing.Eventually;
import quorumkv.server.testing.LocalCluster;

/** A test cluster's scheduled backup files, as named by the incarnation its replicated record keeps. */
final class ClusterBackups {
  private ClusterBackups() {}

  /** The cluster's backup incarnation once its first backup is recorded (waits for it, at most {@code timeout}). */
  static long incarnation(LocalCluster cluster, Duration timeout) {
    long[] found = new long[1];
    Eventually.assertTrue(timeout, () -> {
      for (int i = 0; i < cluster.size(); i++) {
        if (cluster.isRunning(i) && NodeInternals.stateMachine(cluster.node(i)) != null) {
          found[0] = NodeInternals.stateMachine(cluster.node(i)).backups().incarnation();
          if (found[0] != 0) {
            return true;
          }
        }
      }
      return false;
    }, () -> "a first backup recorded (its incarnation); " + cluster.describe());
    return found[0];
  }

  /** The files of the cluster's backups in its configured directory (waits for the first to be recorded). */
  static BackupFiles files(LocalCluster cluster, Duration timeout) {
    return new BackupFiles(cluster.config(0).backup().dir(), cluster.clusterId(), incarnation(cluster, timeout));
  }
}
