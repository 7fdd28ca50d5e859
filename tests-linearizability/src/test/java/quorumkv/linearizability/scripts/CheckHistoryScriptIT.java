package quorumkv.linearizability.scripts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * README's {@code bin/check-history FILE} and {@code bin/check-history FILE...}, run as the script on
 * corpus histories with known verdicts: exit 0 when all are linearizable, 1 when one is not, 2 for a
 * malformed file (the script's header and FORMAT.md). Runs after {@code package}, so the script finds the
 * module's classes and runtime classpath built and does not run Maven itself.
 */
class CheckHistoryScriptIT {
  private static final String ONE = "bin/check-history FILE";
  private static final String SEVERAL = "bin/check-history FILE...";
  private static final Path CORPUS = Script.ROOT.resolve("tests-linearizability/src/test/resources/histories");
  private static final String LINEARIZABLE = CORPUS.resolve("porcupine/etcd_002.jsonl").toString();
  private static final String NOT_LINEARIZABLE = CORPUS.resolve("porcupine-kv/kv_c01_b.jsonl").toString();
  private static final Duration TIMEOUT = Duration.ofMinutes(3);

  @TempDir
  Path dir;

  @BeforeAll
  static void readmeStillShowsTheCommands() throws Exception {
    Script.assertReadmeShows(ONE);
    Script.assertReadmeShows(SEVERAL);
  }

  private Script.Result checkHistory(String readmeCommand, String placeholder, String... files) throws Exception {
    assertTrue(readmeCommand.endsWith(" " + placeholder), readmeCommand);
    List<String> words = new ArrayList<>(List.of(readmeCommand.substring(0, readmeCommand.length() - placeholder.length())
        .strip().split(" ")));
    words.addAll(List.of(files));
    return Script.run(dir, TIMEOUT, words);
  }

  @Test
  void aLinearizableHistoryExitsZeroWithItsVerdictOnStdout() throws Exception {
    Script.Result r = checkHistory(ONE, "FILE", LINEARIZABLE);
    assertEquals(0, r.exit(), r.toString());
    assertTrue(r.out().matches(Pattern.quote(LINEARIZABLE) + ": LINEARIZABLE \\(model cas-register, .* s\\)\n"),
        "stdout holds the verdict only: " + r);
  }

  @Test
  void severalFilesExitOneWhenOneIsNotLinearizable() throws Exception {
    Script.Result r = checkHistory(SEVERAL, "FILE...", LINEARIZABLE, NOT_LINEARIZABLE);
    assertEquals(1, r.exit(), r.toString());
    assertTrue(r.out().contains("etcd_002.jsonl: LINEARIZABLE"), r.toString());
    assertTrue(r.out().contains("kv_c01_b.jsonl: NOT_LINEARIZABLE"), r.toString());
  }

  @Test
  void aMalformedFileExitsTwoNamingFileAndLine() throws Exception {
    Path malformed = dir.resolve("malformed.jsonl");
    List<String> head = Files.readAllLines(Path.of(LINEARIZABLE)).subList(0, 3);
    Files.writeString(malformed, String.join("\n", head) + "\n{\"process\":1,\"type\":\"ok\"}\n");
    Script.Result r = checkHistory(SEVERAL, "FILE...", LINEARIZABLE, malformed.toString());
    assertEquals(2, r.exit(), r.toString());
    assertTrue(r.err().contains(malformed + ":4:"), r.toString());
  }
}
