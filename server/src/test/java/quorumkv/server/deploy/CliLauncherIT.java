package quorumkv.server.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * bin/quorumkv starts CLI calls from a class-data-sharing archive of the jar (issue 15: each call cost about
 * 1.8 s of JVM start). The archive is made on the first call, remade when the jar is newer, and its use
 * never shows in a command's output: a stale archive is refused by the JVM with a warning, which the script
 * silences and avoids by retraining.
 */
class CliLauncherIT {
  private static final Path ROOT = ReadmeCommands.ROOT;
  private static final Path JAR = ROOT.resolve("server/target/quorumkv-server.jar");
  private static final Path ARCHIVE = ROOT.resolve("server/target/quorumkv-cli.jsa");

  @Test
  void theArchiveIsMadeOnceAndRemadeForANewerJarWithoutTouchingOutput() throws Exception {
    Files.deleteIfExists(ARCHIVE);
    assertEquals("quorumkv 0.1.0\n", version(), "first call trains the archive");
    assertTrue(Files.size(ARCHIVE) > 0, "archive made: " + ARCHIVE);
    FileTime made = Files.getLastModifiedTime(ARCHIVE);

    assertEquals("quorumkv 0.1.0\n", version(), "second call uses it");
    assertEquals(made, Files.getLastModifiedTime(ARCHIVE), "an up-to-date archive is not remade");

    // A rebuilt jar: the archive no longer matches it (the JVM checks the jar's size and time). The jar's new
    // time is now, never in the future: with a future time (CI at 05181e0 set made + 2 s) a training shorter
    // than the gap left the new archive older than the jar, and the assertion below failed on a fast host.
    FileTime rebuilt = FileTime.from(Instant.now());
    assertTrue(rebuilt.compareTo(made) > 0, "the second call took time, so now is after the archive");
    Files.setLastModifiedTime(JAR, rebuilt);
    assertEquals("quorumkv 0.1.0\n", version(), "a newer jar retrains, output unchanged");
    assertTrue(Files.getLastModifiedTime(ARCHIVE).compareTo(Files.getLastModifiedTime(JAR)) >= 0,
        "archive remade after the jar changed");
  }

  @Test
  void aStaleArchiveIsNeverShownToTheUser() throws Exception {
    Files.deleteIfExists(ARCHIVE);
    version();
    // The archive looks current to the script but was made for the jar's previous state: the JVM refuses it
    // and runs without. (The jar only moves forward in time, so bin/quorumkv never thinks it needs a rebuild.)
    long jar = Files.getLastModifiedTime(JAR).toMillis();
    Files.setLastModifiedTime(JAR, FileTime.fromMillis(jar + 2_000));
    Files.setLastModifiedTime(ARCHIVE, FileTime.fromMillis(jar + 10_000));
    assertEquals("quorumkv 0.1.0\n", version());
  }

  /** Review of issue 15: the launcher's -XX:+UseSerialGC beside the user's collector stopped the JVM from starting. */
  @Test
  void aCollectorTheUserChoseIsKept() throws Exception {
    assertEquals("quorumkv 0.1.0\n", version(Map.of("QUORUMKV_JAVA_OPTS", "-Xmx256m -XX:+UseG1GC")));
    assertEquals("quorumkv 0.1.0\n", version(Map.of("QUORUMKV_JAVA_OPTS", "-Xmx256m -XX:+UseParallelGC")));
  }

  private static String version() throws Exception {
    return version(Map.of());
  }

  private static String version(Map<String, String> env) throws Exception {
    Path out = Files.createTempFile("cli", ".out");
    Path err = Files.createTempFile("cli", ".err");
    try {
      ProcessBuilder pb = new ProcessBuilder(List.of(ROOT.resolve("bin/quorumkv").toString(), "--version"))
          .redirectOutput(out.toFile()).redirectError(err.toFile());
      pb.environment().keySet().removeIf(k -> k.startsWith("QUORUMKV_"));
      pb.environment().putAll(env);
      Process p = pb.start();
      assertTrue(p.waitFor(120, TimeUnit.SECONDS), "bin/quorumkv --version did not end in 120 s");
      assertEquals(0, p.exitValue(), Files.readString(err));
      assertEquals("", Files.readString(err));
      return Files.readString(out);
    } finally {
      Files.deleteIfExists(out);
      Files.deleteIfExists(err);
    }
  }
}
