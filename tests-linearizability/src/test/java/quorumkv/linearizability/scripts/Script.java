package quorumkv.linearizability.scripts;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/** Runs a {@code bin/} script of the checkout the way README shows it, bounded in time. */
final class Script {
  static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

  private Script() {}

  /** One finished run. */
  record Result(String command, int exit, String out, String err) {
    @Override
    public String toString() {
      return command + " -> exit " + exit + "\nstdout: " + out + "\nstderr: " + err;
    }
  }

  /**
   * README.md's text followed by the docs/ pages it links: the tests check that the documentation still shows
   * the commands they run (measurements and test notes moved from README to docs/).
   */
  static String readme() throws IOException {
    StringBuilder text = new StringBuilder(Files.readString(ROOT.resolve("README.md")));
    try (var docs = Files.list(ROOT.resolve("docs"))) {
      for (java.nio.file.Path doc : docs.filter(p -> p.toString().endsWith(".md")).sorted().toList()) {
        text.append('\n').append(Files.readString(doc));
      }
    }
    return text.toString();
  }

  static void assertReadmeShows(String command) throws IOException {
    assertTrue(readme().contains("`" + command + "`") || readme().contains("\n" + command + " "),
        "README no longer shows `" + command + "`");
  }

  /**
   * Runs {@code words} from the repository root with no QUORUMKV_ variables (they would move ports or
   * data), output to files in {@code dir}. Past {@code timeout} the script and every process under it get
   * SIGTERM (a bash script's EXIT trap runs once its foreground child ends), then SIGKILL after 60 s.
   */
  static Result run(Path dir, Duration timeout, List<String> words) throws Exception {
    Path out = Files.createTempFile(dir, "out-", ".txt");
    Path err = Files.createTempFile(dir, "err-", ".txt");
    ProcessBuilder pb = new ProcessBuilder(words).directory(ROOT.toFile())
        .redirectOutput(out.toFile()).redirectError(err.toFile())
        .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
    pb.environment().keySet().removeIf(k -> k.startsWith("QUORUMKV_"));
    Process p = pb.start();
    String command = String.join(" ", words);
    if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      List<ProcessHandle> tree = new ArrayList<>(p.descendants().toList());
      p.destroy();
      tree.forEach(ProcessHandle::destroy);
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        tree.forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
      }
      throw new AssertionError(command + " did not end within " + timeout + "\nstdout: " + Files.readString(out)
          + "\nstderr: " + Files.readString(err));
    }
    return new Result(command, p.exitValue(), Files.readString(out), Files.readString(err));
  }

  /** Skips (fails under CI=true) if another process listens on one of these loopback ports. */
  static void requireFreePorts(String whose, int... ports) {
    for (int port : ports) {
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress("127.0.0.1", port), 300);
      } catch (IOException free) {
        continue;
      }
      skipUnlessCi("127.0.0.1:" + port + " (" + whose + ") is in use by another process");
    }
  }

  /** Another user of this machine is in the way: skip with the reason, but fail under CI=true. */
  static void skipUnlessCi(String why) {
    if ("true".equals(System.getenv("CI"))) {
      throw new AssertionError(why);
    }
    Assumptions.abort(why);
  }
}
