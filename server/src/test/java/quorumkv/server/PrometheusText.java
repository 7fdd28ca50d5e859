package quorumkv.server;

import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A strict parser of the Prometheus text exposition format 0.0.4, for tests: every line must be a
 * HELP, TYPE, comment or sample line; sample names must belong to a declared family; values must parse.
 */
public final class PrometheusText {
  private static final Pattern NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
  private static final Pattern SAMPLE = Pattern.compile(
      "([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{((?:[a-zA-Z_][a-zA-Z0-9_]*=\"(?:[^\"\\\\]|\\\\.)*\",?)*)\\})? (\\S+)( -?\\d+)?");
  private static final java.util.Set<String> TYPES = java.util.Set.of("counter", "gauge", "histogram", "summary", "untyped");

  /** Families by name (their TYPE) and samples by full series text. */
  public record Parsed(Map<String, String> types, Map<String, Double> samples) {
    public double value(String series) {
      Double v = samples.get(series);
      if (v == null) {
        throw new AssertionError("no sample " + series + " in " + samples.keySet());
      }
      return v;
    }
  }

  private PrometheusText() {}

  public static Parsed parse(String text) {
    Map<String, String> types = new HashMap<>();
    Map<String, Double> samples = new HashMap<>();
    int n = 0;
    for (String line : text.split("\n", -1)) {
      n++;
      if (line.isEmpty()) {
        continue;
      }
      if (line.startsWith("# TYPE ")) {
        String[] p = line.split(" ");
        if (p.length != 4 || !NAME.matcher(p[2]).matches() || !TYPES.contains(p[3])) {
          throw new AssertionError("bad TYPE line " + n + ": " + line);
        }
        types.put(p[2], p[3]);
      } else if (line.startsWith("# HELP ")) {
        if (!NAME.matcher(line.split(" ")[2]).matches()) {
          throw new AssertionError("bad HELP line " + n + ": " + line);
        }
      } else if (line.startsWith("#")) {
        continue;
      } else {
        Matcher m = SAMPLE.matcher(line);
        if (!m.matches()) {
          throw new AssertionError("bad sample line " + n + ": " + line);
        }
        String name = m.group(1);
        String family = family(name, types);
        if (family == null) {
          throw new AssertionError("sample without TYPE on line " + n + ": " + line);
        }
        samples.put(name + (m.group(2) == null ? "" : m.group(2)), value(m.group(4), line));
      }
    }
    return new Parsed(types, samples);
  }

  private static String family(String name, Map<String, String> types) {
    if (types.containsKey(name)) {
      return name;
    }
    for (String suffix : new String[] {"_total", "_bucket", "_count", "_sum", "_created"}) {
      if (name.endsWith(suffix) && types.containsKey(name.substring(0, name.length() - suffix.length()))) {
        return name.substring(0, name.length() - suffix.length());
      }
    }
    return null;
  }

  private static double value(String v, String line) {
    switch (v) {
      case "+Inf": return Double.POSITIVE_INFINITY;
      case "-Inf": return Double.NEGATIVE_INFINITY;
      case "NaN": return Double.NaN;
      default:
        try {
          return Double.parseDouble(v);
        } catch (NumberFormatException e) {
          throw new AssertionError("bad value in: " + line);
        }
    }
  }
}
