package quorumkv.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Faults one member of a cluster that bin/bench started, through the control directory it wrote: per
 * member i (1-based in file names) {@code n<i>.pid} (the running process), {@code n<i>.start} (starts it on
 * its data dir in the background and writes the pid file), and, when the members run in network
 * namespaces, {@code n<i>.isolate} and {@code n<i>.heal} (link down and up). Signals go to the recorded pid
 * only, never by name.
 */
final class NodeControl implements MemberControl, AutoCloseable {
  private final Path dir;
  private final ControlShell shell;

  NodeControl(Path dir) throws IOException {
    this.dir = dir;
    this.shell = new ControlShell();
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
    shell.run("kill -s " + signal + " " + pid(i));
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

  /** Sources the script in the control shell: isolate's one command runs without starting a bash first. */
  private void script(int i, String action) throws IOException, InterruptedException {
    shell.run("( source '" + dir.resolve("n" + (i + 1) + "." + action) + "' )");
  }

  @Override
  public void close() {
    shell.close();
  }
}
