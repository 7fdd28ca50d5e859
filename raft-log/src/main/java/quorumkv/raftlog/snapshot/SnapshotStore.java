package quorumkv.raftlog.snapshot;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.ratis.server.protocol.TermIndex;
import org.apache.ratis.server.storage.FileInfo;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.statemachine.SnapshotRetentionPolicy;
import org.apache.ratis.statemachine.StateMachineStorage;
import org.apache.ratis.statemachine.impl.FileListSnapshotInfo;
import org.apache.ratis.util.FileUtils;
import quorumkv.raftlog.files.AtomicFiles;

/**
 * Snapshots as RocksDB checkpoints, one directory each, in Ratis's state-machine directory:
 *
 * <pre>
 * &lt;raft storage&gt;/sm/snapshot.&lt;term&gt;_&lt;index&gt;/   CURRENT, MANIFEST-*, OPTIONS-*, *.sst, *.log
 * &lt;raft storage&gt;/sm/tmp.&lt;term&gt;_&lt;index&gt;/        a checkpoint being written (renamed when complete)
 * </pre>
 *
 * The snapshot directory is the whole {@code sm} directory because a follower that installs a snapshot
 * from the leader receives the files under paths relative to it and Ratis then replaces {@code sm} with
 * what it received. A checkpoint is complete only once renamed, so a crash mid-checkpoint leaves a
 * {@code tmp.*} directory that is ignored and deleted.
 */
public final class SnapshotStore implements StateMachineStorage {
  private static final Pattern SNAPSHOT = Pattern.compile("snapshot\\.(\\d+)_(\\d+)");
  private static final String MD5_SUFFIX = ".md5";

  private volatile Path smDir;

  @Override
  public void init(RaftStorage raftStorage) throws IOException {
    smDir = raftStorage.getStorageDir().getStateMachineDir().toPath();
    Files.createDirectories(smDir);
    try (Stream<Path> entries = Files.list(smDir)) {
      for (Path p : (Iterable<Path>) entries::iterator) {
        if (p.getFileName().toString().startsWith("tmp.")) {
          FileUtils.deleteFully(p);
        }
      }
    }
  }

  /** Where a new checkpoint for {@code ti} is written before {@link #publish}. */
  public Path temporaryDir(TermIndex ti) {
    return smDir.resolve("tmp." + ti.getTerm() + "_" + ti.getIndex());
  }

  /**
   * Makes a complete checkpoint visible as the snapshot for {@code ti}: its files and directory are
   * fsynced before the rename and the rename after it, so a crash never leaves a published snapshot that
   * is missing files (a node restarting from it would have lost entries).
   */
  public void publish(Path temporary, TermIndex ti) throws IOException {
    Path target = smDir.resolve(name(ti));
    if (Files.exists(target)) {
      FileUtils.deleteFully(temporary);
      return;
    }
    AtomicFiles.fsyncTree(temporary);
    AtomicFiles.move(temporary, target);
  }

  /** The checkpoint directory of the newest snapshot, if any. */
  public Optional<Path> latestDir() {
    return listSnapshots().stream().max(Comparator.comparingLong(s -> s.ti().getIndex())).map(Snap::dir);
  }

  @Override
  public FileListSnapshotInfo getLatestSnapshot() {
    Optional<Snap> latest = listSnapshots().stream().max(Comparator.comparingLong(s -> s.ti().getIndex()));
    if (latest.isEmpty()) {
      return null;
    }
    List<FileInfo> files = new ArrayList<>();
    try (Stream<Path> walk = Files.walk(latest.get().dir())) {
      for (Path p : (Iterable<Path>) walk::iterator) {
        if (Files.isRegularFile(p) && !p.getFileName().toString().endsWith(MD5_SUFFIX)) {
          files.add(new FileInfo(p.toAbsolutePath(), null));
        }
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot list snapshot " + latest.get().dir(), e);
    }
    return new FileListSnapshotInfo(files, latest.get().ti());
  }

  @Override
  public void format() {
  }

  @Override
  public void cleanupOldSnapshots(SnapshotRetentionPolicy policy) throws IOException {
    int keep = Math.max(1, policy.getNumSnapshotsRetained());
    List<Snap> all = listSnapshots();
    all.sort(Comparator.comparingLong((Snap s) -> s.ti().getIndex()).reversed());
    for (Snap old : all.subList(Math.min(keep, all.size()), all.size())) {
      FileUtils.deleteFully(old.dir());
    }
  }

  @Override
  public File getSnapshotDir() {
    return null; // null: Ratis uses (and, on install, replaces) the whole state-machine directory
  }

  @Override
  public File getTmpDir() {
    return null;
  }

  private List<Snap> listSnapshots() {
    List<Snap> out = new ArrayList<>();
    Path dir = smDir;
    if (dir == null || !Files.isDirectory(dir)) {
      return out;
    }
    try (Stream<Path> entries = Files.list(dir)) {
      entries.forEach(p -> {
        Matcher m = SNAPSHOT.matcher(p.getFileName().toString());
        if (m.matches() && Files.isDirectory(p)) {
          out.add(new Snap(p, TermIndex.valueOf(Long.parseLong(m.group(1)), Long.parseLong(m.group(2)))));
        }
      });
    } catch (IOException e) {
      throw new IllegalStateException("cannot list " + dir, e);
    }
    return out;
  }

  private static String name(TermIndex ti) {
    return "snapshot." + ti.getTerm() + "_" + ti.getIndex();
  }

  private record Snap(Path dir, TermIndex ti) {}
}
