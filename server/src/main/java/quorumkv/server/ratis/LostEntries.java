package quorumkv.server.ratis;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import quorumkv.raftlog.files.AtomicFiles;
import quorumkv.raftlog.store.RocksKvStore;
import quorumkv.server.config.ServerConfig;

/**
 * A node that lost Raft log entries it may have acknowledged must not vote until it has them again: its
 * vote could elect a leader without them (Raft's safety assumes a voter's log never shrinks). Ratis has
 * no switch for that, so such a node moves its Raft state and store aside (never deleting them), marks
 * its data dir with {@value #MARKER}, and rejoins as a listener, which never votes, until it has caught up
 * ({@link ListenerRejoin}).
 *
 * <p>Three ways in: {@code quorumkv repair} on a log that {@link LogCheck} refused; at start, a store
 * whose applied index is beyond the end of its log and its newest snapshot (a tail cut off after the
 * entries were applied); and at run time, a follower whose leader withholds the entries it lacks because
 * it had acknowledged them before its tail was cut ({@link StalledLog}, {@link KvNode#rejoinAsListener}). Ratis would start such a node, and it wedged: the leader got an INCONSISTENCY
 * reply every 5 s, forever. A last entry cut short before it was applied cannot be told apart from a
 * write torn by a crash, which Ratis (like etcd) drops as never acknowledged.
 */
public final class LostEntries {
  /** In the data dir while the node must rejoin as a listener; holds why. */
  public static final String MARKER = "REJOIN";
  private static final Pattern SNAPSHOT = Pattern.compile("snapshot\\.\\d+_(\\d+)");

  private LostEntries() {}

  /** Why the node must rejoin as a listener (the marker's first line), or null. */
  static String pending(Path dataDir) throws IOException {
    Path marker = dataDir.resolve(MARKER);
    return Files.exists(marker) ? Files.readAllLines(marker, StandardCharsets.UTF_8).get(0).strip() : null;
  }

  /**
   * Records a step of the rejoin in the marker ({@code key: value}), so a restart resumes after it. The
   * marker is rewritten whole (atomically), never appended to: an append torn by a crash or a full disk
   * could leave a half line, or a marker without its first line, the reason.
   */
  static void note(Path dataDir, String key, String value) throws IOException {
    Path marker = dataDir.resolve(MARKER);
    String before = Files.readString(marker, StandardCharsets.UTF_8);
    AtomicFiles.writeString(marker, before + key + ": " + value + "\n");
  }

  /** The value of a step recorded with {@link #note}, or null. */
  static String noted(Path dataDir, String key) throws IOException {
    Path marker = dataDir.resolve(MARKER);
    if (!Files.exists(marker)) {
      return null;
    }
    String prefix = key + ": ";
    return Files.readAllLines(marker, StandardCharsets.UTF_8).stream().filter(l -> l.startsWith(prefix))
        .map(l -> l.substring(prefix.length()).strip()).reduce((a, b) -> b).orElse(null);
  }

  /**
   * At start: if the store applied entries beyond the end of the log and of the newest snapshot, moves
   * the state aside and marks the data dir; returns what it did, or null if the log is whole.
   */
  static String checkAtStart(ServerConfig config, Path groupDir, long lastLogIndex) throws IOException {
    if (!Files.isDirectory(groupDir) || !Files.isDirectory(config.dbDir())) {
      return null;
    }
    long applied;
    try (RocksKvStore store = RocksKvStore.open(config.dbDir(), config.store())) {
      applied = store.applied().index();
    }
    long snapshot = newestSnapshot(groupDir.resolve("sm"));
    if (!lost(applied, lastLogIndex, snapshot)) {
      return null;
    }
    return moveAside(config.dataDir(), "its store applied entry " + applied + " but its log ends at "
        + lastLogIndex + " (newest snapshot " + snapshot + "): log entries it had were lost");
  }

  /**
   * Whether the store applied entries that neither the log nor a snapshot holds. Applied index 0 is the
   * store's "nothing applied yet" ({@code AppliedIndex.NONE}; index 0 is the leader's configuration entry,
   * which never reaches the store): a node stopped before its first entry reached its disk starts with no
   * log and applied 0, and lost nothing (CI found this as a false alarm that wedged a 2-node election).
   */
  static boolean lost(long applied, long lastLogIndex, long newestSnapshot) {
    return applied > 0 && applied > Math.max(lastLogIndex, newestSnapshot);
  }

  /**
   * Moves {@code raft/} and {@code db/} into {@code damaged-<time>/} in the data dir and writes the
   * marker (before the move, so a crash between the two still rejoins as a listener). Returns a sentence
   * saying what was done.
   */
  public static String moveAside(Path dataDir, String why) throws IOException {
    Path target = dataDir.resolve("damaged-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss-SSS")));
    AtomicFiles.writeString(dataDir.resolve(MARKER), why + "\n");
    Files.createDirectories(target);
    AtomicFiles.fsyncDirectory(dataDir);
    for (String part : new String[] {"raft", "db"}) {
      if (Files.exists(dataDir.resolve(part))) {
        AtomicFiles.move(dataDir.resolve(part), target.resolve(part));
      }
    }
    return why + "; moved its Raft log, snapshots and store to " + target
        + " (kept for analysis); it rejoins as a listener and is promoted back once it has caught up";
  }

  /** The node is a voter again: its log holds everything it had. */
  static void clear(Path dataDir) throws IOException {
    AtomicFiles.delete(dataDir.resolve(MARKER));
  }

  private static long newestSnapshot(Path smDir) throws IOException {
    if (!Files.isDirectory(smDir)) {
      return -1;
    }
    try (Stream<Path> dirs = Files.list(smDir)) {
      return dirs.map(p -> SNAPSHOT.matcher(p.getFileName().toString())).filter(Matcher::matches)
          .mapToLong(m -> Long.parseLong(m.group(1))).max().orElse(-1);
    }
  }
}
