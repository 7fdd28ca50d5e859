package quorumkv.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Memory of the server processes, summed over them, for "bytes per idle watch": a watch lives on one node
 * (QuorumKV: the node its client's one stream reaches; etcd: spread over the members by jetcd's round robin),
 * so the sum over every node is its cost wherever it landed.
 *
 * <ul>
 *   <li>JVM servers (QuorumKV): live heap, the "Total" bytes of {@code jcmd PID GC.class_histogram}, which
 *       collects garbage first (a full GC): only reachable objects count, not the garbage of the moment.
 *   <li>Go servers (etcd): resident set size, {@code VmRSS} of {@code /proc/PID/status}. Go's heap cannot be
 *       collected from outside; RSS counts what the runtime holds, goroutine stacks included (etcd runs a few
 *       goroutines per watch stream), and returns memory to the OS lazily, so it is an upper bound.
 * </ul>
 */
final class ServerMemory {
  private ServerMemory() {}

  /** What {@link #read} measures, for the table. */
  static String measure(boolean jvm) {
    return jvm ? "live heap" : "RSS";
  }

  /** The summed bytes over {@code pids}; -1 if any process could not be read (then it is unknown, not 0). */
  static long read(List<Long> pids, boolean jvm) {
    if (pids.isEmpty()) {
      return -1;
    }
    long sum = 0;
    for (long pid : pids) {
      long b = jvm ? liveHeap(pid) : rss(pid);
      if (b < 0) {
        return -1;
      }
      sum += b;
    }
    return sum;
  }

  /** Live heap bytes of a JVM by {@code jcmd PID GC.class_histogram} (bounded to 60 s); -1 on failure. */
  static long liveHeap(long pid) {
    Path out = null;
    try {
      out = Files.createTempFile("bench-histogram-", ".txt");
      Process p = new ProcessBuilder("jcmd", Long.toString(pid), "GC.class_histogram")
          .redirectErrorStream(true).redirectOutput(out.toFile()).start();
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        System.out.printf("  jcmd %d GC.class_histogram took over 60 s; heap unknown%n", pid);
        return -1;
      }
      long total = histogramTotal(Files.readString(out, StandardCharsets.UTF_8));
      if (total < 0) {
        System.out.printf("  jcmd %d GC.class_histogram: no Total line (exit %d); heap unknown%n", pid, p.exitValue());
      }
      return total;
    } catch (IOException e) {
      System.out.printf("  jcmd %d: %s; heap unknown%n", pid, e);
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    } finally {
      if (out != null) {
        try {
          Files.deleteIfExists(out);
        } catch (IOException ignored) {
          // a temp file left behind
        }
      }
    }
  }

  private static final Pattern TOTAL = Pattern.compile("(?m)^Total\\s+(\\d+)\\s+(\\d+)\\s*$");

  /** The bytes of a class histogram's {@code Total  INSTANCES  BYTES} line, or -1. */
  static long histogramTotal(String histogram) {
    Matcher m = TOTAL.matcher(histogram);
    return m.find() ? Long.parseLong(m.group(2)) : -1;
  }

  /** Resident set size in bytes from {@code /proc/PID/status}; -1 if unreadable. */
  static long rss(long pid) {
    try {
      return vmRssBytes(Files.readString(Path.of("/proc", Long.toString(pid), "status")));
    } catch (IOException e) {
      return -1;
    }
  }

  private static final Pattern VM_RSS = Pattern.compile("(?m)^VmRSS:\\s+(\\d+)\\s+kB\\s*$");

  /** The VmRSS line of a {@code /proc/PID/status} text, in bytes, or -1. */
  static long vmRssBytes(String status) {
    Matcher m = VM_RSS.matcher(status);
    return m.find() ? Long.parseLong(m.group(1)) * 1024 : -1;
  }

  /** This JVM's used heap after asking for garbage collection a few times (System.gc is a hint). */
  static long driverHeapAfterGc() throws InterruptedException {
    Runtime rt = Runtime.getRuntime();
    long used = Long.MAX_VALUE;
    for (int i = 0; i < 3; i++) {
      System.gc();
      Thread.sleep(200);
      used = Math.min(used, rt.totalMemory() - rt.freeMemory());
    }
    return used;
  }
}
