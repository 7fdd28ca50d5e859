package quorumkv.linearizability.scripts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * README's {@code bin/bench}, as far as a test can run it. README's runs take 4 to 18 minutes and need etcd,
 * so they are not run; instead {@code bin/bench --help} must list every option README uses, and a
 * seconds-long QuorumKV-only run ({@link #SHORT_RUN}: no warm-up, 1-second phases, no waiting for a quiet
 * machine, 100 watches) must start the three-node cluster, measure every phase without errors (every watch
 * event delivered once), print the tables and stop every node it started. Nothing here asserts on speed.
 */
class BenchScriptIT {
  private static final String README_LINE = "bin/bench --quick | --long | --concurrency 1,8,32 | --etcd-endpoints leader"
      + " | --help";
  private static final String HELP = "bin/bench --help";
  /** README's {@code --concurrency 1,8,32} alternative, QuorumKV only and seconds long, the watch phase small. */
  private static final List<String> SHORT_RUN = List.of("bin/bench", "--systems", "quorumkv", "--concurrency", "1,8,32",
      "--warmup", "0", "--put", "1", "--get", "1", "--watches", "100", "--watch-puts", "50", "--no-wait");
  /** The ports bin/bench requires free (etcd's and QuorumKV's). */
  private static final int[] BENCH_PORTS = {2379, 2380, 22379, 22380, 32379, 32380, 9871, 9872, 9873, 8081, 8082, 8083};

  @TempDir
  Path dir;

  @Test
  void helpListsEveryOptionReadmeUses() throws Exception {
    String readme = Script.readme();
    assertTrue(readme.lines().map(l -> l.replaceFirst("\\s+#.*$", "").strip()).anyMatch(README_LINE::equals),
        "README still shows " + README_LINE);
    assertTrue(README_LINE.endsWith("| " + HELP.substring("bin/bench ".length())), HELP + " is one of its alternatives");
    Script.Result r = Script.run(dir, Duration.ofSeconds(30), List.of(HELP.split(" ")));
    assertEquals(0, r.exit(), r.toString());
    Set<String> options = new LinkedHashSet<>();
    Matcher line = Pattern.compile("bin/bench[^`\\n#]*").matcher(readme);
    while (line.find()) {
      Matcher option = Pattern.compile("--[a-z][a-z-]*").matcher(line.group());
      while (option.find()) {
        options.add(option.group());
      }
    }
    assertTrue(options.containsAll(List.of("--quick", "--long", "--concurrency", "--systems", "--etcd-endpoints",
        "--write-batching")),
        "options found in README: " + options);
    options.remove("--help");   // prints the usage, which need not name itself
    for (String option : options) {
      assertTrue(r.out().contains(option), "bin/bench --help lists " + option + " (README uses it): " + r.out());
    }
  }

  @Test
  void aShortQuorumKvOnlyRunMeasuresEveryPhaseAndStopsItsNodes() throws Exception {
    Script.requireFreePorts("a port bin/bench uses", BENCH_PORTS);
    long started = System.nanoTime();
    Script.Result r = Script.run(dir, Duration.ofMinutes(4), SHORT_RUN);
    System.out.printf("%s took %d s%n", r.command(), (System.nanoTime() - started) / 1_000_000_000);
    if (r.exit() != 0 && r.err().contains("is another cluster using its ports?")) {
      // Someone's cluster took the ports between bin/bench's check and its nodes' start: bin/bench noticed
      // and measured nothing. Not this code's failure, except where nothing else may run (CI).
      Script.skipUnlessCi("another cluster took bin/bench's ports while it started: " + r.err());
    }
    assertEquals(0, r.exit(), r.toString());

    Matcher up = Pattern.compile("bench: QuorumKV up \\((?:plain|tls)\\), pids (\\d+),(\\d+),(\\d+)").matcher(r.out());
    assertTrue(up.find(), r.toString());
    List<Long> pids = new ArrayList<>();
    for (int i = 1; i <= 3; i++) {
      pids.add(Long.parseLong(up.group(i)));
    }
    List<Long> alive = pids.stream().filter(pid -> ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).toList();
    // Stop leftovers (started, through bin/bench, by this test) before failing on them.
    alive.forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroy));
    assertTrue(alive.isEmpty(), "bin/bench stopped every node it started; still running: " + alive);

    Matcher results = Pattern.compile("bench: results in (\\S+)").matcher(r.out());
    assertTrue(results.find(), r.toString());
    Path table = Path.of(results.group(1)).resolve("table.md");
    List<String> rows = Files.readAllLines(table).stream().filter(l -> l.startsWith("| quorumkv ")).toList();
    for (String phase : List.of("put", "get")) {
      for (String concurrency : List.of("1", "8", "32")) {
        String[] cells = rows.stream().map(l -> l.split("\\|"))
            .filter(c -> c[2].strip().equals(phase) && c[3].strip().equals(concurrency))
            .findFirst().orElseThrow(() -> new AssertionError("no " + phase + " row at " + concurrency + ": " + rows));
        assertEquals("0", cells[8].strip(), "errors in " + String.join("|", cells));
        assertFalse(cells[9].strip().equals("0"), "operations in " + String.join("|", cells));
      }
    }
    // The many-clients phase: 16 and 64 separate clients, one put in flight each.
    for (String clients : List.of("16", "64")) {
      String[] cells = rows.stream().map(l -> l.split("\\|"))
          .filter(c -> c[2].strip().equals("clients") && c[3].strip().equals(clients))
          .findFirst().orElseThrow(() -> new AssertionError("no clients row at " + clients + ": " + rows));
      assertEquals("0", cells[8].strip(), "errors in " + String.join("|", cells));
      assertFalse(cells[9].strip().equals("0"), "operations in " + String.join("|", cells));
    }
    // The watch phase: puts with 0 and 100 idle watches, delivery with 1 and 100 watches, every event seen.
    for (String phase : List.of("put+0w", "put+100w")) {
      String[] cells = rows.stream().map(l -> l.split("\\|")).filter(c -> c.length == 16 && c[2].strip().equals(phase))
          .findFirst().orElseThrow(() -> new AssertionError("no " + phase + " row: " + rows));
      assertEquals("16", cells[3].strip(), String.join("|", cells));
      assertEquals("0", cells[8].strip(), "errors in " + String.join("|", cells));
    }
    for (String watches : List.of("1", "100")) {
      String[] cells = rows.stream().map(l -> l.split("\\|")).filter(c -> c.length == 12 && c[2].strip().equals(watches))
          .findFirst().orElseThrow(() -> new AssertionError("no delivery row with " + watches + " watches: " + rows));
      assertEquals("50", cells[4].strip(), "puts acknowledged: " + String.join("|", cells));
      assertEquals("ok", cells[11].strip(), "every event once: " + String.join("|", cells));
    }
    assertTrue(rows.stream().map(l -> l.split("\\|")).anyMatch(c -> c.length == 8 && c[2].strip().equals("100")
        && c[4].strip().equals("live heap")), "a memory row for 100 idle watches: " + rows);
  }
}
