package quorumkv.bench;

import java.util.List;
import java.util.Locale;

/** A Markdown table that reads as plain text too: text columns left-aligned, numbers right-aligned. */
final class TextTable {
  private TextTable() {}

  /** {@code align}: one letter per column, {@code l} for text (left-aligned), {@code r} for numbers. */
  static String render(String[] header, List<String[]> rows, String align) {
    int[] width = new int[header.length];
    for (int i = 0; i < header.length; i++) {
      width[i] = header[i].length();
    }
    for (String[] row : rows) {
      for (int i = 0; i < row.length; i++) {
        width[i] = Math.max(width[i], row[i].length());
      }
    }
    StringBuilder sb = new StringBuilder();
    line(sb, header, width, align);
    sb.append('|');
    for (int i = 0; i < header.length; i++) {
      sb.append(align.charAt(i) == 'l' ? "-".repeat(width[i] + 2) : "-".repeat(width[i] + 1) + ":").append('|');
    }
    sb.append('\n');
    for (String[] row : rows) {
      line(sb, row, width, align);
    }
    return sb.toString();
  }

  private static void line(StringBuilder sb, String[] row, int[] width, String align) {
    sb.append('|');
    for (int i = 0; i < row.length; i++) {
      String pad = " ".repeat(width[i] - row[i].length());
      sb.append(' ').append(align.charAt(i) == 'l' ? row[i] + pad : pad + row[i]).append(" |");
    }
    sb.append('\n');
  }

  /** {@code d} formatted, or "-" when NaN (nothing measured). */
  static String fmt(String format, double d) {
    return Double.isNaN(d) ? "-" : String.format(Locale.ROOT, format, d);
  }

  /** {@code d} formatted, or "?" when negative or NaN (unknown). */
  static String known(String format, double d) {
    return d < 0 || Double.isNaN(d) ? "?" : String.format(Locale.ROOT, format, d);
  }
}
