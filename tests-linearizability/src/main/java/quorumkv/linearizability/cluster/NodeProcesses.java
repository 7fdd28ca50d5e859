package quorumkv.linearizability.cluster;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;

/**
 * The node JVMs of a namespace cluster, each started inside its namespace by {@code ip netns exec} (which
 * execs java, so the pid is the node's), logging to {@code <dir>/<id>.log}. Kills are SIGKILL, pauses
 * SIGSTOP/SIGCONT, always of the pids started here, never by name.
 */
final class NodeProcesses {
  private final NamespaceNetwork network;
  private final Path dir;
  private final IntFunction<String> ids;
  private final Process[] processes;
  private final Set<Integer> paused = new HashSet<>();

  /** The run's development CA (per run: its node certificates name the namespace addresses). */
  private final Path pki;

  NodeProcesses(int size, NamespaceNetwork network, Path dir, IntFunction<String> ids, Path pki) {
    this.pki = pki;
    this.network = network;
    this.dir = dir;
    this.ids = ids;
    this.processes = new Process[size];
  }

  /** Started and not paused: worth asking for its status. */
  boolean answers(int i) {
    return processes[i] != null && !paused.contains(i);
  }

  boolean isRunning(int i) {
    return processes[i] != null && processes[i].isAlive();
  }

  /** Starts node {@code i} on its data directory, unless it runs already. */
  void start(int i) throws IOException {
    if (processes[i] != null) {
      return;
    }
    Files.createDirectories(dir);
    StringBuilder peers = new StringBuilder();
    for (int j = 0; j < processes.length; j++) {
      peers.append(j == 0 ? "" : ",").append(ids.apply(j)).append('=').append(network.address(j));
    }
    List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", network.ns(i),
        Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m", "-XX:+UseSerialGC",
        "-Dorg.slf4j.simpleLogger.defaultLogLevel=info"));
    // For diagnosis, e.g. -Dquorumkv.lin.node-jvm-args=-Dorg.slf4j.simpleLogger.log.org.apache.ratis=info
    String extra = System.getProperty("quorumkv.lin.node-jvm-args", "").strip();
    if (!extra.isEmpty()) {
      cmd.addAll(List.of(extra.split("\\s+")));
    }
    cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), "quorumkv.server.KvServerMain", "server",
        "--node.id=" + ids.apply(i), "--raft.peers=" + peers, "--storage.data-dir=" + dir.resolve(ids.apply(i)),
        "--tls.ca-file=" + pki.resolve("ca.pem"), "--tls.cert-file=" + pki.resolve(ids.apply(i) + ".pem"),
        "--tls.key-file=" + pki.resolve(ids.apply(i) + ".key")));
    cmd.addAll(NodeDisks.nodeFlags());
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log(i).toFile()));
    pb.environment().keySet().removeIf(k -> k.startsWith("QUORUMKV_"));
    processes[i] = pb.start();   // ip netns exec execs java: this pid is the node's
  }

  /** Node {@code i}'s log (stdout and stderr of every start, appended). */
  Path log(int i) {
    return dir.resolve(ids.apply(i) + ".log");
  }

  /** Started, and exited by itself since (it refused to start, or failed): its exit code, else null. */
  Integer exitCode(int i) {
    Process p = processes[i];
    return p != null && !p.isAlive() ? p.exitValue() : null;
  }

  /** Forgets an exited node, so that it can be started again. */
  void forgetExited(int i) {
    if (exitCode(i) != null) {
      processes[i] = null;
      paused.remove(i);
    }
  }

  /**
   * Runs {@code quorumkv <args>} for node {@code i} (e.g. {@code repair --data-dir DIR}) as a command of its
   * own in the root namespace, with the nodes' class path, its output appended to the node's log, bounded
   * in time; returns its output, or throws with it.
   */
  String runCommand(int i, List<String> args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx128m", "-cp", System.getProperty("java.class.path"), "quorumkv.server.KvServerMain"));
    cmd.addAll(args);
    long from = logSize(i);
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log(i).toFile()));
    pb.environment().keySet().removeIf(k -> k.startsWith("QUORUMKV_"));
    Process p = pb.start();
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IOException("timed out: quorumkv " + String.join(" ", args));
    }
    String out = logSince(i, from).strip();
    if (p.exitValue() != 0) {
      throw new IOException("quorumkv " + String.join(" ", args) + " exited " + p.exitValue() + ": " + out);
    }
    return out;
  }

  /** Node {@code i}'s log from byte {@code from} on. */
  String logSince(int i, long from) throws IOException {
    byte[] all = Files.readAllBytes(log(i));
    return new String(all, (int) Math.min(from, all.length), (int) Math.max(0, all.length - from),
        java.nio.charset.StandardCharsets.UTF_8);
  }

  long logSize(int i) throws IOException {
    return Files.exists(log(i)) ? Files.size(log(i)) : 0;
  }

  /** SIGKILL (after a SIGCONT, should it be paused); its data stays. */
  void kill(int i) throws InterruptedException {
    Process p = processes[i];
    processes[i] = null;
    paused.remove(i);
    if (p != null) {
      Sh.tryRun("kill", "-CONT", String.valueOf(p.pid()));
      p.destroyForcibly();   // SIGKILL
      p.waitFor(10, TimeUnit.SECONDS);
    }
  }

  /** Kills every node, best effort. */
  void killAll() {
    for (int i = 0; i < processes.length; i++) {
      try {
        kill(i);
      } catch (Exception e) {
        // best effort
      }
    }
  }

  void pause(int i) throws IOException {
    if (processes[i] != null) {
      Sh.run("kill", "-STOP", String.valueOf(processes[i].pid()));
      paused.add(i);
    }
  }

  void resume(int i) throws IOException {
    if (processes[i] != null) {
      Sh.run("kill", "-CONT", String.valueOf(processes[i].pid()));
    }
    paused.remove(i);
  }

  void resumeAll() throws IOException {
    for (int i : new ArrayList<>(paused)) {
      resume(i);
    }
  }
}
