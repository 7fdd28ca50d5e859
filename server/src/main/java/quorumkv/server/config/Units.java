package quorumkv.server.config;

import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses values that carry their unit: {@code 150ms}, {@code 2s}, {@code 64MB}, {@code 4096}. */
final class Units {
  private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h)");
  private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*(b|kb|mb|gb)?");

  private Units() {}

  static Duration duration(String key, String value) {
    Matcher m = DURATION.matcher(value.trim().toLowerCase(Locale.ROOT));
    if (!m.matches()) {
      throw new ConfigException(key + ": '" + value + "' is not a duration like 150ms, 2s, 1m or 24h");
    }
    long n = Long.parseLong(m.group(1));
    Duration d = switch (m.group(2)) {
      case "ms" -> Duration.ofMillis(n);
      case "s" -> Duration.ofSeconds(n);
      case "h" -> Duration.ofHours(n);
      default -> Duration.ofMinutes(n);
    };
    if (d.isZero()) {
      throw new ConfigException(key + ": must be above zero");
    }
    return d;
  }

  static long size(String key, String value) {
    Matcher m = SIZE.matcher(value.trim().toLowerCase(Locale.ROOT));
    if (!m.matches()) {
      throw new ConfigException(key + ": '" + value + "' is not a size like 4096, 64KB or 8MB");
    }
    long n = Long.parseLong(m.group(1));
    String unit = m.group(2) == null ? "b" : m.group(2);
    long bytes = switch (unit) {
      case "kb" -> n * 1024;
      case "mb" -> n * 1024 * 1024;
      case "gb" -> n * 1024 * 1024 * 1024;
      default -> n;
    };
    if (bytes <= 0 || bytes > Integer.MAX_VALUE) {
      throw new ConfigException(key + ": '" + value + "' is outside 1 byte .. 2GB");
    }
    return bytes;
  }

  static long positiveLong(String key, String value) {
    try {
      long n = Long.parseLong(value.trim());
      if (n <= 0 || n > Integer.MAX_VALUE) {
        throw new ConfigException(key + ": " + n + " is outside 1.." + Integer.MAX_VALUE);
      }
      return n;
    } catch (NumberFormatException e) {
      throw new ConfigException(key + ": '" + value + "' is not a whole number");
    }
  }

  static boolean bool(String key, String value) {
    switch (value.trim().toLowerCase(Locale.ROOT)) {
      case "true": return true;
      case "false": return false;
      default: throw new ConfigException(key + ": '" + value + "' is neither true nor false");
    }
  }
}
