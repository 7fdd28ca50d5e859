package quorumkv.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Faults one member of a cluster that bin/bench started, through the control directory it wrote: per
 * member i (1-based in file names) {@code n<i>.pid} (the running process), {@code n<i>.start} (starts it on
 * its data dir in the background and writes the pid file), and, when the members run in network
 * namespaces, {@code n<i>.isolate} and {@code n<i>.heal} (link down and up). Signals go to the recorded pid
 * only, never by name.
 */
final class NodeControl implements MemberControl {
  private final Path dir;

  NodeControl(Path dir) {
    this.dir = dir;
  }

  /** True if bin/bench wrote isolate and heal scripts (the members run in network namespaces). */
  @Override
  public boolean canIsolate() {
    return Files.isRegularFile(dir.resolve("n1.isolate")) && Files.isRegularFile(dir.resolve("n1.heal"));
  }

  long pid(int i) throws IOException {
    return Long.parseLong(Files.readString(dir.resolve("n" + (i + 1) + ".pid")).trim());
  }

  @Override
  public void signal(int i, String signal) throws IOException, InterruptedException {
    run(List.of("kill", "-s", signal, Long.toString(pid(i))));
  }

  /** Waits up to 10 s. */
  @Override
  public void awaitExit(int i) throws IOException, InterruptedException {
    long pid = pid(i);
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false) && System.nanoTime() < until) {
      Thread.sleep(20);
    }
  }

  @Override
  public void start(int i) throws IOException, InterruptedException {
    script(i, "start");
  }

  @Override
  public void isolate(int i) throws IOException, InterruptedException {
    script(i, "isolate");
  }

  @Override
  public void heal(int i) throws IOException, InterruptedException {
    script(i, "heal");
  }

  private void script(int i, String action) throws IOException, InterruptedException {
    run(List.of("bash", dir.resolve("n" + (i + 1) + "." + action).toString()));
  }

  private static void run(List<String> command) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    if (!p.waitFor(30, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IOException("timed out: " + String.join(" ", command));
    }
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    if (p.exitValue() != 0) {
      throw new IOException("'" + String.join(" ", command) + "' exited " + p.exitValue() + ": " + out);
    }
  }
}
