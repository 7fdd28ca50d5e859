package quorumkv.server.config;

import java.io.IOException;
import java.io.Reader;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import java.util.stream.Stream;
import quorumkv.raftlog.files.AtomicFiles;

/**
 * Ties a data directory to one node of one cluster, so a node started on another node's or another
 * cluster's data refuses to start instead of mixing histories. The identity lives in
 * {@code <data-dir>/IDENTITY} (written before anything else on first start, atomically: a crash leaves none or
 * a whole one).
 */
public final class DataDirGuard {
  static final String FILE = "IDENTITY";

  private DataDirGuard() {}

  public static void claim(ServerConfig config) {
    Path dir = config.dataDir();
    Path file = dir.resolve(FILE);
    try {
      if (Files.exists(file)) {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file)) {
          p.load(r);
        }
        String cluster = p.getProperty("cluster.id");
        String node = p.getProperty("node.id");
        if (cluster == null || node == null) {
          throw new ConfigException("data dir " + dir + " has a corrupt " + FILE + " file (no cluster.id/node.id)");
        }
        if (!cluster.equals(config.clusterId())) {
          throw new ConfigException("data dir " + dir + " belongs to cluster '" + cluster + "', not '"
              + config.clusterId() + "'");
        }
        if (!node.equals(config.nodeId())) {
          throw new ConfigException("data dir " + dir + " belongs to node '" + node + "', not '" + config.nodeId() + "'");
        }
        return;
      }
      Files.createDirectories(dir);
      if (isNonEmpty(dir)) {
        throw new ConfigException("data dir " + dir + " is not empty and has no " + FILE
            + " file: it is not a QuorumKV data dir (or from an older version)");
      }
      Properties p = new Properties();
      p.setProperty("cluster.id", config.clusterId());
      p.setProperty("node.id", config.nodeId());
      StringWriter text = new StringWriter();
      p.store(text, "QuorumKV data dir identity: do not edit");
      AtomicFiles.writeString(file, text.toString());
    } catch (IOException e) {
      throw new ConfigException("data dir " + dir + " is not usable: " + e.getMessage(), e);
    }
  }

  private static boolean isNonEmpty(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.anyMatch(p -> !p.getFileName().toString().equals(FILE + AtomicFiles.TEMP_SUFFIX));
    }
  }
}
