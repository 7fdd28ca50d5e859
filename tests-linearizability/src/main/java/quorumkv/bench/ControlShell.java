package quorumkv.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * One bash process kept running for the failover phase's fault commands. A fault sent as a line to a shell
 * already running takes effect in about a millisecond (bash's built-in kill is a system call), where
 * starting a kill process per fault took up to 0.1 s on this loaded machine, and that time counts into the
 * figure. Each command's output ends with a marker line carrying its exit status; a command is bounded in
 * time.
 */
final class ControlShell implements AutoCloseable {
  private static final String MARKER = "__bench_control_done__";
  private static final long TIMEOUT_SECONDS = 30;

  private final Process bash;
  private final Writer in;
  private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();

  ControlShell() throws IOException {
    bash = new ProcessBuilder("bash", "--norc", "--noprofile").redirectErrorStream(true).start();
    in = new java.io.OutputStreamWriter(bash.getOutputStream(), StandardCharsets.UTF_8);
    Thread reader = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(bash.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line; (line = r.readLine()) != null; ) {
          lines.add(line);
        }
      } catch (IOException e) {
        // the shell ended: run() times out or sees it dead
      }
      lines.add(MARKER + " 255");
    }, "control-shell-output");
    reader.setDaemon(true);
    reader.start();
  }

  /** Runs {@code command} (one line of bash); throws with its output if it exits non-zero or hangs. */
  synchronized void run(String command) throws IOException, InterruptedException {
    if (command.contains("\n")) {
      throw new IllegalArgumentException("one line: " + command);
    }
    in.write(command + " 2>&1; echo \"" + MARKER + " $?\"\n");
    in.flush();
    List<String> output = new ArrayList<>();
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_SECONDS);
    while (true) {
      String line = lines.poll(Math.max(1, until - System.nanoTime()), TimeUnit.NANOSECONDS);
      if (line == null) {
        throw new IOException("timed out after " + TIMEOUT_SECONDS + " s: " + command);
      }
      if (line.startsWith(MARKER + " ")) {
        String status = line.substring(MARKER.length() + 1).strip();
        if (!status.equals("0")) {
          throw new IOException("'" + command + "' exited " + status + ": " + String.join("\n", output));
        }
        return;
      }
      output.add(line);
    }
  }

  @Override
  public void close() {
    bash.destroy();
  }
}
