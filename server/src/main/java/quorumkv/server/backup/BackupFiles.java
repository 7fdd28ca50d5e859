package quorumkv.server.backup;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import quorumkv.raftlog.files.AtomicFiles;

/**
 * The scheduled backups of one cluster incarnation in a destination directory: their names, their atomic
 * writing and their retention. A file is named by its cluster id, its interval slot's start time and the
 * incarnation ({@code qkvbackup-<cluster>-20261207T001500.000Z-<16 hex digits>.qkv}): a retry of the same
 * slot by this incarnation (a new leader retaking it) replaces its file instead of adding a second one, and
 * names sort by time. The incarnation keeps apart clusters with the same id writing into the same directory
 * (one restored from a backup, or made again from scratch): neither ever replaces or deletes the other's
 * files. Only names of this pattern, cluster and incarnation are ever deleted: the directory may hold other
 * clusters' backups and anything else.
 */
public final class BackupFiles {
  static final String PREFIX = "qkvbackup-";
  static final String SUFFIX = ".qkv";
  private static final String TEMP_SUFFIX = ".part";
  private static final DateTimeFormatter SLOT_TIME =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss.SSS'Z'").withZone(ZoneOffset.UTC);
  private static final String SLOT_TIME_REGEX = "(\\d{8}T\\d{6}\\.\\d{3}Z)";

  private final Path dir;
  private final String clusterPart;
  private final long incarnation;
  /** "-" + the incarnation + ".qkv": the end of every final name. */
  private final String nameEnd;
  private final Pattern finalName;
  private final Pattern tempName;

  public BackupFiles(Path dir, String clusterId, long incarnation) {
    this.dir = dir;
    this.clusterPart = fileSafe(clusterId);
    this.incarnation = incarnation;
    this.nameEnd = "-" + incarnationName(incarnation) + SUFFIX;
    this.finalName = Pattern.compile(Pattern.quote(PREFIX + clusterPart + "-") + SLOT_TIME_REGEX + Pattern.quote(nameEnd));
    this.tempName = Pattern.compile(Pattern.quote("." + PREFIX + clusterPart + "-") + SLOT_TIME_REGEX
        + Pattern.quote(nameEnd) + "\\.[0-9a-f-]+" + Pattern.quote(TEMP_SUFFIX));
  }

  /** An incarnation as it appears in file names: 16 hex digits. */
  public static String incarnationName(long incarnation) {
    return String.format("%016x", incarnation);
  }

  public Path dir() {
    return dir;
  }

  public long incarnation() {
    return incarnation;
  }

  /** The file of the slot that starts at {@code slotStartMillis}. */
  public Path fileOf(long slotStartMillis) {
    return dir.resolve(PREFIX + clusterPart + "-" + SLOT_TIME.format(Instant.ofEpochMilli(slotStartMillis)) + nameEnd);
  }

  /** This incarnation's finished backups in the directory, oldest first. */
  public List<Path> list() throws IOException {
    List<Path> found = new ArrayList<>();
    try (Stream<Path> s = Files.list(dir)) {
      s.filter(p -> finalName.matcher(p.getFileName().toString()).matches() && Files.isRegularFile(p))
          .forEach(found::add);
    }
    // The slot time is fixed-width, so name order is time order.
    found.sort(Comparator.comparing(p -> p.getFileName().toString()));
    return found;
  }

  /** The slot start time (ms since the epoch) a finished backup's name says; -1 if it is not one of this incarnation's. */
  public long slotStartOf(Path file) {
    Matcher m = finalName.matcher(file.getFileName().toString());
    return m.matches() ? Instant.from(SLOT_TIME.parse(m.group(1))).toEpochMilli() : -1;
  }

  /**
   * Keeps the newest {@code keep} of this incarnation's backups and deletes the older ones, oldest first, except
   * {@code newestVerified} (may be null): retention goes by name, and the newest backups may be ones that
   * failed their verification, so the newest good one is kept even when it is not among the newest
   * {@code keep}. Also deletes this incarnation's temp files older than {@code staleTempMillis} (left by a
   * writer that crashed). Returns the deleted files.
   */
  public List<Path> prune(int keep, long staleTempMillis, Path newestVerified) throws IOException {
    if (keep < 1) {
      throw new IllegalArgumentException("keep at least one backup, not " + keep);
    }
    List<Path> deleted = new ArrayList<>();
    List<Path> all = list();
    for (Path old : all.subList(0, Math.max(0, all.size() - keep))) {
      if (old.equals(newestVerified)) {
        continue;
      }
      AtomicFiles.delete(old);
      deleted.add(old);
    }
    long cutoff = System.currentTimeMillis() - staleTempMillis;
    try (Stream<Path> s = Files.list(dir)) {
      for (Path p : (Iterable<Path>) s::iterator) {
        if (tempName.matcher(p.getFileName().toString()).matches() && Files.getLastModifiedTime(p).toMillis() < cutoff) {
          AtomicFiles.delete(p);
          deleted.add(p);
        }
      }
    }
    return deleted;
  }

  /**
   * Writes {@code file} atomically and durably, readable by its owner only (it holds every key and grant):
   * a temp file of this writer's own in the same directory (a hidden name that no listing takes for a
   * backup), fsync, rename over {@code file}, fsync the directory. A failure deletes the temp file; a crash
   * may leave it, never a partial file under the final name. Two writers of the same file (an old leader
   * that does not know it was deposed, and its successor) each write their own temp file, and the last
   * rename wins with a whole file.
   */
  public static void writeAtomically(Path file, AtomicFiles.Content content) throws IOException {
    AtomicFiles.writeOwnerOnly(file, file.resolveSibling("." + file.getFileName() + "." + UUID.randomUUID() + TEMP_SUFFIX),
        content);
  }

  /** The cluster id as a file-name part: letters, digits, '.', '_' and '-' kept, every other byte as %XX. */
  static String fileSafe(String clusterId) {
    StringBuilder s = new StringBuilder();
    for (byte b : clusterId.getBytes(StandardCharsets.UTF_8)) {
      char c = (char) (b & 0xFF);
      if (c < 0x80 && (Character.isLetterOrDigit(c) || c == '.' || c == '_' || c == '-') && !(s.isEmpty() && c == '.')) {
        s.append(c);
      } else {
        s.append('%').append(String.format("%02X", b & 0xFF));
      }
    }
    return s.toString();
  }
}
