package quorumkv.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
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

/**
 * FailoverMain's command line, without starting anything: bin/bench's calls use exactly the flags tested
 * here, they parse to the values meant, the defaults are the documented ones, usage errors exit 2.
 */
class FailoverMainTest {
  private static final Path BIN_BENCH = Path.of("..", "bin", "bench");

  /** bin/bench's failover_java call for QuorumKV in namespaces, values filled in as bin/bench fills them. */
  private static final List<String> QUORUMKV_RUN = List.of("--run", "20250101T000000Z", "--rounds", "10",
      "--faults", "kill,stop,isolate", "--quiet-minutes", "10", "--results", "/tmp/bench/failover.tsv",
      "--layout", "netns", "--system", "quorumkv", "--endpoints", "10.88.7.1:9871,10.88.7.2:9871,10.88.7.3:9871",
      "--status", "10.88.7.1:8081/9081,10.88.7.2:8081/9081,10.88.7.3:8081/9081", "--control", "/tmp/b/failover-quorumkv");
  /** The same for etcd on loopback. */
  private static final List<String> ETCD_RUN = List.of("--run", "20250101T000000Z", "--rounds", "2",
      "--faults", "kill", "--quiet-minutes", "0", "--results", "/tmp/bench/failover.tsv", "--layout", "loopback",
      "--system", "etcd", "--endpoints", "http://127.0.0.1:2379,http://127.0.0.1:22379,http://127.0.0.1:32379",
      "--control", "/tmp/b/failover-etcd");

  private static FailoverMain parse(List<String> args) {
    CommandLine cl = FailoverMain.commandLine();
    cl.parseArgs(args.toArray(String[]::new));
    FailoverMain m = cl.getCommand();
    m.validate();
    return m;
  }

  @Test
  void theseArgumentListsUseExactlyTheFlagsBinBenchPasses() throws Exception {
    String script = Files.readString(BIN_BENCH);
    Matcher fn = Pattern.compile("(?s)failover_java\\(\\) \\{(.*?)\\n}").matcher(script);
    assertTrue(fn.find(), "bin/bench has a failover_java() function");
    StringBuilder calls = new StringBuilder(fn.group(1));
    Matcher call = Pattern.compile("(?m)^\\s+failover_java ([^\\n]*)").matcher(script);
    while (call.find()) {
      calls.append('\n').append(call.group(1));
    }
    Set<String> used = flags(calls.substring(calls.indexOf("quorumkv.bench.FailoverMain")));
    Set<String> here = flags(String.join(" ", QUORUMKV_RUN) + " " + String.join(" ", ETCD_RUN));
    assertEquals(used, here, "bin/bench's failover_java calls (" + calls + ")");
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
  void binBenchsCallsParse() {
    FailoverMain q = parse(QUORUMKV_RUN);
    assertEquals("quorumkv", q.system);
    assertEquals(List.of("kill", "stop", "isolate"), q.faults);
    assertEquals(10, q.rounds);
    assertEquals(10.0, q.quietMinutes);
    assertEquals("netns", q.layout);
    assertEquals(3, q.endpoints.size());
    assertEquals("10.88.7.2:8081/9081", q.status.get(1));
    assertEquals(Path.of("/tmp/b/failover-quorumkv"), q.control);
    FailoverMain e = parse(ETCD_RUN);
    assertEquals("etcd", e.system);
    assertEquals(List.of("kill"), e.faults);
    assertEquals(2, e.rounds);
    assertEquals("/tmp/bench/failover.tsv", e.results);
  }

  @Test
  void roundsZeroWithAQuietRunIsTheQuietRunAlone() {
    FailoverMain m = parse(List.of("--system", "etcd", "--endpoints", "http://a:1,http://b:1,http://c:1",
        "--control", "/tmp/x", "--rounds", "0", "--quiet-minutes", "10"));
    assertEquals(0, m.rounds);
    assertEquals(10.0, m.quietMinutes);
  }

  @Test
  void defaultsAreTheDocumentedOnes() {
    FailoverMain m = parse(List.of("--system", "etcd", "--endpoints", "http://a:1,http://b:1,http://c:1",
        "--control", "/tmp/x"));
    assertEquals(List.of("kill", "stop", "isolate"), m.faults);
    assertEquals(10, m.rounds);
    assertEquals(0.0, m.quietMinutes);
    assertEquals(10L, m.intervalMs);
    assertEquals(500, m.maxOutstanding);
    assertEquals(10000L, m.opTimeoutMs);
    assertEquals("loopback", m.layout);
    assertEquals("", m.results);
  }

  @Test
  void usageErrorsExitWithTwoAndSayWhy() {
    List<String> etcd = List.of("--system", "etcd", "--endpoints", "http://a:1,http://b:1,http://c:1", "--control", "/x");
    assertUsageError(List.of("--system", "etcd", "--endpoints", "http://a:1", "--control", "/x"),
        "three or more --endpoints");
    assertUsageError(List.of("--system", "etcd", "--endpoints", "http://a:1,http://b:1,http://c:1"), "--control");
    assertUsageError(List.of("--system", "quorumkv", "--endpoints", "a:1,b:1,c:1", "--control", "/x"),
        "--status HOST:HTTP/OPS for every member");
    assertUsageError(concat(etcd, "--faults", "kill,reboot"), "--faults: a list of kill,stop,isolate, got kill,reboot");
    assertUsageError(concat(etcd, "--rounds", "-1"), "bad numbers");
    assertUsageError(concat(etcd, "--rounds", "0"), "nothing to measure: --rounds 0 and no --quiet-minutes");
    assertUsageError(concat(etcd, "--quiet-minutes", "-1"), "bad numbers");
  }

  private static List<String> concat(List<String> a, String... more) {
    return java.util.stream.Stream.concat(a.stream(), java.util.Arrays.stream(more)).toList();
  }

  private static void assertUsageError(List<String> args, String why) {
    CommandLine cl = FailoverMain.commandLine();
    StringWriter err = new StringWriter();
    cl.setErr(new PrintWriter(err, true));
    cl.setOut(new PrintWriter(new StringWriter(), true));
    assertEquals(2, cl.execute(args.toArray(String[]::new)), args + ": " + err);
    assertTrue(err.toString().startsWith("bench: ") && err.toString().contains(why), args + ": " + err);
  }
}
