package quorumkv.server.requestpath;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The put paths as docs/architecture.md states them, one bullet each:
 * {@code - **Client put path** ...: `KvClient` → `ClientCore` → ...}. Every back-quoted simple class name
 * on the bullet counts; lower-case words in back quotes (module names) do not.
 */
record DocumentedPaths(Set<String> client, Set<String> server, Set<String> shared) {
  private static final Pattern CLASS_NAME = Pattern.compile("`([A-Z][A-Za-z0-9]*)`");

  static DocumentedPaths fromReadme() throws IOException {
    Path readme = Path.of(System.getProperty("quorumkv.readme", "../docs/architecture.md"));
    List<String> lines = Files.readAllLines(readme);
    return new DocumentedPaths(bullet(lines, "Client put path"), bullet(lines, "Server put path"),
        bullet(lines, "Shared by both paths"));
  }

  private static Set<String> bullet(List<String> lines, String title) {
    String prefix = "- **" + title + "**";
    for (int i = 0; i < lines.size(); i++) {
      if (lines.get(i).startsWith(prefix)) {
        StringBuilder text = new StringBuilder(lines.get(i));
        for (int j = i + 1; j < lines.size() && lines.get(j).startsWith("  "); j++) {
          text.append(' ').append(lines.get(j).trim());   // the bullet's continuation lines
        }
        Set<String> names = new LinkedHashSet<>();
        Matcher m = CLASS_NAME.matcher(text);
        while (m.find()) {
          names.add(m.group(1));
        }
        if (names.isEmpty()) {
          throw new IllegalStateException("docs/architecture.md's bullet '" + title + "' names no class");
        }
        return names;
      }
    }
    throw new IllegalStateException("docs/architecture.md has no bullet starting with " + prefix);
  }
}
