package quorumkv.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import quorumkv.client.KvClientConfig;

/**
 * BenchMain's command line, without starting anything: the flags bin/bench passes parse to the values
 * meant, the defaults are the documented ones, and usage errors exit 2 before any cluster is touched.
 */
class BenchMainTest {
  private static final Path BIN_BENCH = Path.of("..", "bin", "bench");

  /** bin/bench's driver() call for QuorumKV, values filled in as bin/bench fills them. */
  private static final List<String> QUORUMKV_RUN = List.of("--run", "20250101T000000Z", "--concurrency", "1,16,64",
      "--warmup-seconds", "120", "--warmup-min-ops", "20000", "--put-seconds", "20", "--get-seconds", "10",
      "--results", "/tmp/bench/results.tsv", "--phases", "put,get,clients,watch", "--clients", "16,64", "--watches",
      "10000", "--watch-puts", "2000",
      "--watch-results", "/tmp/bench/watch.tsv", "--system", "quorumkv",
      "--endpoints", "127.0.0.1:9871,127.0.0.1:9872,127.0.0.1:9873", "--server-pids", "101,102,103",
      "--write-batching", "64x1", "--server-group-commit", "on");
  /** The same for etcd (--quick's numbers). */
  private static final List<String> ETCD_RUN = List.of("--run", "20250101T000000Z", "--concurrency", "1,8,32",
      "--warmup-seconds", "15", "--warmup-min-ops", "5000", "--put-seconds", "5", "--get-seconds", "5",
      "--results", "/tmp/bench/results.tsv", "--phases", "watch", "--watches", "1000", "--watch-puts", "500",
      "--watch-results", "/tmp/bench/watch.tsv", "--system", "etcd",
      "--endpoints", "http://127.0.0.1:2379,http://127.0.0.1:22379,http://127.0.0.1:32379",
      "--server-pids", "201,202,203");

  private static BenchMain parse(List<String> args) {
    CommandLine cl = BenchMain.commandLine();
    cl.parseArgs(args.toArray(String[]::new));
    BenchMain b = cl.getCommand();
    b.validate();
    return b;
  }

  @Test
  void theseArgumentListsUseExactlyTheFlagsBinBenchPasses() throws Exception {
    String script = Files.readString(BIN_BENCH);
    Matcher driver = Pattern.compile("(?s)driver\\(\\) \\{(.*?)\\n}").matcher(script);
    assertTrue(driver.find(), "bin/bench has a driver() function");
    StringBuilder calls = new StringBuilder(driver.group(1));
    Matcher call = Pattern.compile("(?m)^\\s+driver ((?:[^\\n]*\\\\\\n)*[^\\n]*)").matcher(script);
    while (call.find()) {
      calls.append('\n').append(call.group(1));
    }
    Set<String> used = flags(calls.toString().substring(calls.indexOf("quorumkv.bench.BenchMain")));
    Set<String> here = flags(String.join(" ", QUORUMKV_RUN) + " " + String.join(" ", ETCD_RUN));
    assertEquals(used, here, "bin/bench's driver calls (" + calls + ")");
  }

  private static Set<String> flags(String text) {
    Set<String> flags = new TreeSet<>();
    Matcher m = Pattern.compile("(?<![\\w-])--[a-z][a-z-]*").matcher(text);
    while (m.find()) {
      flags.add(m.group());
    }
    return flags;
  }

  @Test
  void binBenchsQuorumKvCallParses() {
    BenchMain b = parse(QUORUMKV_RUN);
    assertEquals("quorumkv", b.system);
    assertEquals(List.of("127.0.0.1:9871", "127.0.0.1:9872", "127.0.0.1:9873"), b.endpoints());
    assertEquals(List.of(101L, 102L, 103L), b.serverPids());
    assertEquals(List.of(1, 16, 64), b.concurrency);
    assertEquals(120.0, b.warmupSeconds);
    assertEquals(20000L, b.warmupMinOps);
    assertEquals(20.0, b.putSeconds);
    assertEquals(10.0, b.getSeconds);
    assertEquals(Path.of("/tmp/bench/results.tsv"), b.resultsFile());
    assertEquals("20250101T000000Z", b.run);
    assertEquals(new KvClientConfig.WriteBatching(64, 1), QuorumKvTarget.writeBatching(b.writeBatching));
    assertEquals(KvClientConfig.ReadBatching.DEFAULT, QuorumKvTarget.readBatching(b.readBatching));
    assertEquals(new KvClientConfig.ReadBatching(32, 4), QuorumKvTarget.readBatching("32x4"));
    assertEquals(KvClientConfig.ReadBatching.OFF, QuorumKvTarget.readBatching("off"));
    assertEquals("--read-batching: default, off or MAXxINFLIGHT (e.g. 64x4), got 64",
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
            () -> QuorumKvTarget.readBatching("64")).getMessage());
    assertTrue(b.runs("put") && b.runs("get") && b.runs("clients") && b.runs("watch"));
    assertEquals(List.of(16, 64), b.clients);
    assertEquals(10000, b.watches);
    assertEquals(2000, b.watchPuts);
    assertEquals("/tmp/bench/watch.tsv", b.watchResults);
  }

  @Test
  void binBenchsEtcdCallParses() {
    BenchMain b = parse(ETCD_RUN);
    assertEquals("etcd", b.system);
    assertEquals(List.of("http://127.0.0.1:2379", "http://127.0.0.1:22379", "http://127.0.0.1:32379"), b.endpoints());
    assertEquals(List.of(201L, 202L, 203L), b.serverPids());
    assertEquals(List.of(1, 8, 32), b.concurrency);
    assertEquals(15.0, b.warmupSeconds);
    assertEquals(5000L, b.warmupMinOps);
    assertEquals(5.0, b.putSeconds);
    assertEquals(5.0, b.getSeconds);
    assertTrue(b.runs("watch") && !b.runs("put") && !b.runs("get"));
    assertEquals(1000, b.watches);
    assertEquals(500, b.watchPuts);
  }

  @Test
  void defaultsAreTheDocumentedOnes() {
    BenchMain b = parse(List.of("--system", "etcd", "--endpoints", "http://127.0.0.1:2379"));
    assertEquals(List.of(), b.serverPids());
    assertEquals(List.of(1, 16, 64), b.concurrency);
    assertEquals(40.0, b.warmupSeconds);
    assertEquals(20000L, b.warmupMinOps);
    assertEquals(20.0, b.putSeconds);
    assertEquals(10.0, b.getSeconds);
    assertEquals(1000, b.keys);
    assertEquals(1024, b.valueBytes);
    assertEquals(10000L, b.opTimeoutMs);
    assertEquals(5000000L, b.maxOpsPerPhase);
    assertNull(b.resultsFile());
    assertEquals("run", b.run);
    assertEquals("default", b.writeBatching);
    assertEquals(List.of("put", "get", "clients", "watch"), b.phases);
    assertEquals(List.of(16, 64), b.clients);
    assertEquals(10000, b.watches);
    assertEquals(2000, b.watchPuts);
    assertEquals("", b.watchResults);
  }

  @Test
  void aFlagTakesItsValueAfterASpaceOrAnEqualsSign() {
    BenchMain b = parse(List.of("--system=quorumkv", "--endpoints=127.0.0.1:9871", "--keys", "7", "--value-bytes=0",
        "--op-timeout-ms=500", "--max-ops-per-phase", "9"));
    assertEquals("quorumkv", b.system);
    assertEquals(7, b.keys);
    assertEquals(0, b.valueBytes);
    assertEquals(500L, b.opTimeoutMs);
    assertEquals(9L, b.maxOpsPerPhase);
  }

  @Test
  void usageErrorsExitWithTwoAndSayWhy() {
    assertUsageError(List.of("--endpoints", "127.0.0.1:9871"), "--system quorumkv|etcd and --endpoints are required");
    assertUsageError(List.of("--system", "redis", "--endpoints", "127.0.0.1:9871"),
        "--system quorumkv|etcd and --endpoints are required");
    assertUsageError(List.of("--system", "etcd"), "--system quorumkv|etcd and --endpoints are required");
    assertUsageError(List.of("--system", "etcd", "--endpoints", "http://a:1", "--concurrency", "0"), "bad numbers");
    assertUsageError(List.of("--system", "etcd", "--endpoints", "http://a:1", "--put-seconds", "0"), "bad numbers");
    assertUsageError(List.of("--system", "etcd", "--endpoints", "http://a:1", "--keys", "many"), "--keys");
    assertUsageError(List.of("--system", "etcd", "--endpoints", "http://a:1", "--watches", "0"), "bad numbers");
    assertUsageError(List.of("--system", "etcd", "--endpoints", "http://a:1", "--phases", "put,scan"),
        "--phases: a list of put,get,clients,watch, got put,scan");
    assertUsageError(List.of("--system", "etcd", "--endpoints", "http://a:1", "--clients", "0"), "bad numbers");
    assertUsageError(List.of("--system", "etcd", "--endpoints", "http://a:1", "--no-such-flag", "1"), "--no-such-flag");
    assertUsageError(List.of("--system", "etcd", "--endpoints", "http://a:1", "stray"), "stray");
    assertUsageError(List.of("--system", "etcd", "--endpoints"), "--endpoints");
  }

  private static void assertUsageError(List<String> args, String why) {
    CommandLine cl = BenchMain.commandLine();
    StringWriter err = new StringWriter();
    cl.setErr(new PrintWriter(err, true));
    cl.setOut(new PrintWriter(new StringWriter(), true));
    assertEquals(2, cl.execute(args.toArray(String[]::new)), args + ": " + err);
    assertTrue(err.toString().startsWith("bench: ") && err.toString().contains(why), args + ": " + err);
    assertTrue(err.toString().contains("--write-batching"), "the usage follows: " + err);
  }

  @Test
  void helpListsEveryFlagWithItsDefault() {
    CommandLine cl = BenchMain.commandLine();
    StringWriter out = new StringWriter();
    cl.setOut(new PrintWriter(out, true));
    assertEquals(0, cl.execute("--help"));
    String help = out.toString().replaceAll("\\s+", " ").replace(", ", ",");   // descriptions wrap, lists too
    for (String flag : List.of("--system", "--endpoints", "--server-pids", "--concurrency", "--warmup-seconds",
        "--warmup-min-ops", "--put-seconds", "--get-seconds", "--keys", "--value-bytes", "--op-timeout-ms",
        "--max-ops-per-phase", "--results", "--run", "--write-batching", "--phases", "--watches", "--watch-puts",
        "--watch-results", "--clients")) {
      assertTrue(help.contains(flag), flag + " in " + help);
    }
    for (String dflt : List.of("1,16,64", "40", "20000", "20", "10", "1000", "1024", "10000", "5000000", "run",
        "default", "put,get,clients,watch", "16,64", "2000")) {
      assertTrue(help.contains("(default " + dflt + ")"), dflt + " in " + help);
    }
  }
}
