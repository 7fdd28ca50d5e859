package quorumkv.server.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shipped Prometheus files pass promtool: {@code check rules}, {@code check config} and {@code test
 * rules} (the rule unit tests). And those tests have teeth: for every alert, a copy of the rules where it
 * never fires, and one where it fires on every series of the metrics it reads, each fail the rule tests,
 * so each alert is shown firing where it should and silent where it should not.
 *
 * <p>promtool comes from Debian's {@code prometheus} package ({@code .ci/run} installs it). Without it the
 * test is skipped with that reason, except on CI ({@code CI=true}), where it fails.
 */
class PrometheusRulesTest {
  private static Path promtool;

  @BeforeAll
  static void findPromtool() {
    promtool = onPath("promtool").orElse(null);
    if (promtool == null) {
      if ("true".equals(System.getenv("CI"))) {
        fail("promtool is not installed (Debian package prometheus); CI=true, so this test must run");
      }
      Assumptions.abort("promtool is not installed (Debian package prometheus: apt-get install prometheus); "
          + "the rule checks and rule unit tests are skipped");
    }
  }

  private static Optional<Path> onPath(String name) {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      Path p = Path.of(dir, name);
      if (!dir.isEmpty() && Files.isExecutable(p)) {
        return Optional.of(p);
      }
    }
    return Optional.empty();
  }

  record Run(int exit, String output) {}

  private static Run promtool(Path dir, String... args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of(promtool.toString()));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(120, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      fail("promtool " + String.join(" ", args) + " did not finish in 120 s");
    }
    return new Run(p.exitValue(), out);
  }

  @Test
  void rulesAndScrapeConfigPassPromtoolsChecks() throws Exception {
    Run rules = promtool(OpsFiles.PROMETHEUS, "check", "rules", OpsFiles.RULES.getFileName().toString());
    assertEquals(0, rules.exit(), rules.output());
    int count = OpsFiles.rules(OpsFiles.rulesLines()).size();
    assertTrue(rules.output().contains("SUCCESS: " + count + " rules found"), count + " rules: " + rules.output());
    Run config = promtool(OpsFiles.PROMETHEUS, "check", "config", "--syntax-only",
        OpsFiles.SCRAPE_CONFIG.getFileName().toString());
    assertEquals(0, config.exit(), config.output());
  }

  @Test
  void ruleUnitTestsPass() throws Exception {
    Run tests = promtool(OpsFiles.PROMETHEUS, "test", "rules", OpsFiles.RULE_TESTS.getFileName().toString());
    assertEquals(0, tests.exit(), tests.output());
  }

  @Test
  void everyAlertIsTestedFiringWhereItShouldAndSilentWhereItShouldNot(@TempDir Path tmp) throws Exception {
    List<String> lines = OpsFiles.rulesLines();
    List<OpsFiles.Rule> rules = OpsFiles.rules(lines);
    assertTrue(rules.size() >= 15, "rules: " + rules.size());
    String tested = Files.readString(OpsFiles.RULE_TESTS);
    // Two mutants per alert, each in its own folder with a copy of the rule tests; promtool checks and
    // tests them all in one run each (one run per mutant would take a minute).
    Map<Path, String> mutants = new LinkedHashMap<>();
    for (OpsFiles.Rule rule : rules) {
      assertTrue(tested.contains("alertname: " + rule.alert()), rule.alert() + " has no rule test");
      mutants.put(mutant(tmp.resolve(rule.alert() + "-never"), lines, rule, "vector(1) < 0"),
          rule.alert() + ": its tests pass although it never fires (no case where it should fire)");
      // Every series of the QuorumKV metrics it reads; every series at all for a rule on Prometheus's own (up).
      String names = String.join("|", OpsFiles.metricUses(Map.of("", rule.expr())).keySet());
      String everything = "{__name__=~\"" + (names.isEmpty() ? ".+" : names) + "\"}";
      mutants.put(mutant(tmp.resolve(rule.alert() + "-everywhere"), lines, rule, everything),
          rule.alert() + ": its tests pass although it fires on every series of its metrics (" + everything
              + "): no case where it should stay silent");
    }
    List<String> args = new ArrayList<>(List.of("check", "rules"));
    mutants.keySet().forEach(d -> args.add(d.resolve(OpsFiles.RULES.getFileName()).toString()));
    Run check = promtool(tmp, args.toArray(String[]::new));
    assertEquals(0, check.exit(), "every mutant is a valid rule file: " + check.output());

    args.clear();
    args.addAll(List.of("test", "rules"));
    mutants.keySet().forEach(d -> args.add(d.resolve(OpsFiles.RULE_TESTS.getFileName()).toString()));
    Run test = promtool(tmp, args.toArray(String[]::new));
    Map<String, String> outcomes = outcomesByFile(test.output());
    mutants.forEach((d, failure) -> {
      String outcome = outcomes.get(d.resolve(OpsFiles.RULE_TESTS.getFileName()).toString());
      assertTrue(outcome != null, "promtool reported on " + d + ":\n" + test.output());
      assertTrue(outcome.contains("FAILED"), failure);
    });
  }

  /** promtool test rules prints "Unit Testing:  FILE" then SUCCESS or FAILED (with details) per file. */
  private static Map<String, String> outcomesByFile(String output) {
    Map<String, String> outcomes = new LinkedHashMap<>();
    String file = null;
    StringBuilder text = new StringBuilder();
    for (String line : output.split("\n")) {
      if (line.startsWith("Unit Testing:")) {
        if (file != null) {
          outcomes.put(file, text.toString());
        }
        file = line.substring("Unit Testing:".length()).trim();
        text.setLength(0);
      } else {
        text.append(line).append('\n');
      }
    }
    if (file != null) {
      outcomes.put(file, text.toString());
    }
    return outcomes;
  }

  /** A folder with the rules where {@code rule}'s expression is {@code expr}, and the rule tests. */
  private static Path mutant(Path dir, List<String> lines, OpsFiles.Rule rule, String expr) throws IOException {
    Files.createDirectories(dir);
    List<String> mutated = new ArrayList<>(lines.subList(0, rule.exprFrom()));
    String indent = lines.get(rule.exprFrom()).substring(0, lines.get(rule.exprFrom()).indexOf("expr:"));
    mutated.add(indent + "expr: '" + expr.replace("'", "''") + "'");
    mutated.addAll(lines.subList(rule.exprTo(), lines.size()));
    Files.write(dir.resolve(OpsFiles.RULES.getFileName()), mutated);
    Files.write(dir.resolve(OpsFiles.RULE_TESTS.getFileName()), testsOf(rule.alert()));
    return dir;
  }

  /** The rule tests file with only the test groups that evaluate {@code alert} (the others cannot fail). */
  private static List<String> testsOf(String alert) throws IOException {
    List<String> out = new ArrayList<>();
    List<String> group = new ArrayList<>();
    boolean inGroups = false;
    for (String line : Files.readAllLines(OpsFiles.RULE_TESTS)) {
      if (line.startsWith("  - name:")) {
        keepIfAbout(alert, group, out);
        inGroups = true;
      }
      (inGroups ? group : out).add(line);
    }
    keepIfAbout(alert, group, out);
    return out;
  }

  private static void keepIfAbout(String alert, List<String> group, List<String> out) {
    if (group.stream().anyMatch(l -> l.trim().equals("alertname: " + alert))) {
      out.addAll(group);
    }
    group.clear();
  }
}
