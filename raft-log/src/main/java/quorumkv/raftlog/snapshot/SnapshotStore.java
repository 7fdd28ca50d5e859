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
  /** The newest snapshot as last listed, valid while the directory is the same one, unmodified. */
  private volatile Listed listed;
  private final java.util.concurrent.atomic.AtomicLong listings = new java.util.concurrent.atomic.AtomicLong();
  /**
   * Bumped by every change made here ({@link #publish}, {@link #cleanupOldSnapshots}, {@link #invalidate}):
   * a directory's modification time has the kernel's coarse clock, so two changes within one tick look alike.
   */
  private final java.util.concurrent.atomic.AtomicLong generation = new java.util.concurrent.atomic.AtomicLong();

  /**
   * What {@link #getLatestSnapshot} found, and the state of the directory it found it in: the directory's
   * identity (a snapshot install replaces the whole directory) and modification time (publishing, which
   * renames a checkpoint into it, and pruning change it). A checkpoint's own files never change once published.
   */
  private record Listed(long generation, Path dir, Object fileKey, java.nio.file.attribute.FileTime modified,
      FileListSnapshotInfo info) {}

  /** Forgets the cached newest snapshot: Ratis replaced the directory (a snapshot install). */
  public void invalidate() {
    generation.incrementAndGet();
    listed = null;
  }

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
    invalidate();
  }

  /** The checkpoint directory of the newest snapshot, if any. */
  public Optional<Path> latestDir() {
    return listSnapshots().stream().max(Comparator.comparingLong(s -> s.ti().getIndex())).map(Snap::dir);
  }

  /**
   * The newest snapshot. Ratis's log appender asks on every pass (should it send a snapshot instead of
   * entries?), so the answer is cached while the directory stays as it was: one stat instead of listing the
   * directory and walking the checkpoint's files, which was a tenth of a leader's CPU at one write in flight.
   */
  @Override
  public FileListSnapshotInfo getLatestSnapshot() {
    Path dir = smDir;
    long gen = generation.get();
    java.nio.file.attribute.BasicFileAttributes attributes = null;
    if (dir != null) {
      try {
        attributes = Files.readAttributes(dir, java.nio.file.attribute.BasicFileAttributes.class);
      } catch (IOException e) {
        attributes = null; // no directory (yet): list, which finds nothing
      }
    }
    Listed cached = listed;
    if (cached != null && attributes != null && cached.generation() == gen && cached.dir().equals(dir)
        && java.util.Objects.equals(cached.fileKey(), attributes.fileKey())
        && cached.modified().equals(attributes.lastModifiedTime())) {
      return cached.info();
    }
    FileListSnapshotInfo info = listLatest();
    if (attributes != null && generation.get() == gen) {
      listed = new Listed(gen, dir, attributes.fileKey(), attributes.lastModifiedTime(), info);
    }
    return info;
  }

  /** How many times the directory was listed for {@link #getLatestSnapshot} (for tests). */
  long listings() {
    return listings.get();
  }

  private FileListSnapshotInfo listLatest() {
    listings.incrementAndGet();
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
    invalidate();
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
