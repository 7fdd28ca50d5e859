package quorumkv.server.ops;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The shipped monitoring files under {@code ops/} (next to docker-compose.yml), read for tests: the
 * alerting rules' expressions by alert, the dashboard's queries by panel, and the QuorumKV metric names
 * each uses. The rules file is read line by line (the project has no YAML library): every rule is
 * {@code - alert: Name} followed by an {@code expr:} on one line or as a {@code |} block.
 */
public final class OpsFiles {
  public static final Path OPS = Path.of("..", "ops").toAbsolutePath().normalize();
  public static final Path PROMETHEUS = OPS.resolve("prometheus");
  public static final Path RULES = PROMETHEUS.resolve("quorumkv-alerts.yml");
  public static final Path RULE_TESTS = PROMETHEUS.resolve("quorumkv-alerts.test.yml");
  public static final Path SCRAPE_CONFIG = PROMETHEUS.resolve("prometheus.yml");
  public static final Path DASHBOARD = OPS.resolve("grafana").resolve("quorumkv-dashboard.json");

  private static final Pattern ALERT = Pattern.compile("^\\s*- alert:\\s*(\\S+)\\s*$");
  private static final Pattern EXPR = Pattern.compile("^(\\s*)expr:\\s*(.*)$");
  private static final Pattern METRIC = Pattern.compile("\\bquorumkv_[a-z0-9_]+");
  /** A bucket picked by le, exactly ({@code le="5.0"}) or by a regular expression ({@code le=~"5(\\.0)?"}). */
  private static final Pattern BUCKET_LE = Pattern.compile("\\b(quorumkv_[a-z0-9_]+_bucket)\\{[^}]*\\ble(=~?)\"([^\"]+)\"");
  private static final Pattern SERIES_LE = Pattern.compile("\\{(?:.*,)?le=\"([^\"]*)\"");

  /** One alerting rule: its expression and the lines it spans in the file (0-based, end exclusive). */
  public record Rule(String alert, String expr, int exprFrom, int exprTo) {}

  private OpsFiles() {}

  public static List<String> rulesLines() {
    try {
      return Files.readAllLines(RULES);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Every rule of the rules file, in order. */
  public static List<Rule> rules(List<String> lines) {
    List<Rule> rules = new ArrayList<>();
    String alert = null;
    for (int i = 0; i < lines.size(); i++) {
      Matcher a = ALERT.matcher(lines.get(i));
      if (a.matches()) {
        alert = a.group(1);
        continue;
      }
      Matcher e = EXPR.matcher(lines.get(i));
      if (e.matches() && alert != null) {
        int indent = e.group(1).length();
        StringBuilder expr = new StringBuilder();
        int end = i + 1;
        if (e.group(2).trim().equals("|")) {
          while (end < lines.size() && (lines.get(end).isBlank() || indentOf(lines.get(end)) > indent)) {
            expr.append(lines.get(end).trim()).append('\n');
            end++;
          }
        } else {
          expr.append(e.group(2).trim());
        }
        rules.add(new Rule(alert, expr.toString().trim(), i, end));
        alert = null;
      }
    }
    return rules;
  }

  private static int indentOf(String line) {
    int n = 0;
    while (n < line.length() && line.charAt(n) == ' ') {
      n++;
    }
    return n;
  }

  /** The dashboard as JSON. */
  public static JsonNode dashboard() {
    try {
      return new ObjectMapper().readTree(DASHBOARD.toFile());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Every query of the dashboard, keyed "panel 'Title' query A". */
  public static Map<String, String> dashboardQueries(JsonNode dashboard) {
    Map<String, String> queries = new LinkedHashMap<>();
    for (JsonNode panel : dashboard.get("panels")) {
      for (JsonNode target : panel.path("targets")) {
        queries.put("panel '" + panel.path("title").asText() + "' query " + target.path("refId").asText(),
            target.path("expr").asText());
      }
    }
    return queries;
  }

  /** Every query of the rules and the dashboard, keyed by where it is ("alert X", "panel 'T' query A"). */
  public static Map<String, String> allQueries() {
    Map<String, String> all = new LinkedHashMap<>();
    for (Rule r : rules(rulesLines())) {
      all.put("alert " + r.alert(), r.expr());
    }
    all.putAll(dashboardQueries(dashboard()));
    return all;
  }

  /** QuorumKV metric names (as they appear in samples: with _bucket, _count, _sum, _total) to the places using them. */
  public static Map<String, TreeSet<String>> metricUses(Map<String, String> queries) {
    return uses(queries, METRIC, m -> m.group());
  }

  /**
   * Histogram buckets selected by le, as {@code name{le="x"}} or {@code name{le=~"re"}} (the regular
   * expression as PromQL has it, backslashes escaped), to the places using them.
   */
  public static Map<String, TreeSet<String>> bucketUses(Map<String, String> queries) {
    return uses(queries, BUCKET_LE, m -> m.group(1) + "{le" + m.group(2) + "\"" + m.group(3) + "\"}");
  }

  /** Whether one of {@code series} (samples as {@code name{labels}}) is a bucket that {@code use} (of {@link #bucketUses}) picks. */
  public static boolean bucketExported(String use, java.util.Collection<String> series) {
    Matcher u = BUCKET_LE.matcher(use);
    if (!u.find()) {
      throw new IllegalArgumentException("not a bucket use: " + use);
    }
    String name = u.group(1);
    // PromQL strings escape a backslash as two; PromQL regular expressions are anchored at both ends.
    Pattern re = "=~".equals(u.group(2)) ? Pattern.compile(u.group(3).replace("\\\\", "\\")) : null;
    for (String s : series) {
      Matcher le = SERIES_LE.matcher(s);
      if (s.startsWith(name + "{") && le.find()
          && (re == null ? le.group(1).equals(u.group(3)) : re.matcher(le.group(1)).matches())) {
        return true;
      }
    }
    return false;
  }

  private static Map<String, TreeSet<String>> uses(Map<String, String> queries, Pattern p,
      java.util.function.Function<Matcher, String> key) {
    Map<String, TreeSet<String>> uses = new TreeMap<>();
    queries.forEach((where, expr) -> {
      Matcher m = p.matcher(expr);
      while (m.find()) {
        uses.computeIfAbsent(key.apply(m), k -> new TreeSet<>()).add(where);
      }
    });
    return uses;
  }
}
