package quorumkv.linearizability.cluster;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs a short system command (ip, nft, kill) with a time bound; fails loudly with its output. */
final class Sh {
  private Sh() {}

  static String run(String... command) throws IOException {
    return run(true, command);
  }

  /** Runs without failing on a non-zero exit (for best-effort clean-up). */
  static String tryRun(String... command) {
    try {
      return run(false, command);
    } catch (IOException e) {
      return "";
    }
  }

  private static String run(boolean check, String... command) throws IOException {
    Process p = new ProcessBuilder(List.of(command)).redirectErrorStream(true).start();
    try {
      if (!p.waitFor(30, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IOException("timed out: " + String.join(" ", command));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      p.destroyForcibly();
      throw new IOException("interrupted: " + String.join(" ", command), e);
    }
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (check && p.exitValue() != 0) {
      throw new IOException("'" + String.join(" ", command) + "' exited " + p.exitValue() + ": " + out.strip());
    }
    return out;
  }

  /** True if this process may create namespaces: root, with ip and nft on the PATH. */
  static String whyUnavailable() {
    if (!"root".equals(System.getProperty("user.name"))) {
      return "needs root (network namespaces, veth, nftables); running as " + System.getProperty("user.name");
    }
    for (String tool : List.of("ip", "nft")) {
      if (tryRun("sh", "-c", "command -v " + tool).isBlank()) {
        return "needs '" + tool + "' (apt-get install -y iproute2 nftables)";
      }
    }
    return null;
  }
}
