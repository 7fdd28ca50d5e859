package quorumkv.server;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import quorumkv.server.testing.Eventually;

/**
 * Three nodes n1..n3 as real JVM processes (each with its own heap, so a test can starve one of memory or
 * kill it with SIGKILL), on loopback, with their HTTP and operations ports; mutual TLS with a development
 * CA unless the server flags include {@code --insecure-plaintext=true}. Stops every process it started on
 * close.
 */
final class ProcessCluster implements AutoCloseable {
  private final Path dir;
  private final List<String> http = new ArrayList<>();
  private final List<String> ops = new ArrayList<>();
  private final Process[] nodes = new Process[3];
  /** Mutual TLS with a development CA in {@code <dir>/pki}, unless the server flags ask for plaintext. */
  private final boolean tls;
  private HttpCalls.Client client;

  private ProcessCluster(Path dir, boolean tls) {
    this.dir = dir;
    this.tls = tls;
  }

  /** HTTP calls to this cluster: HTTPS with the admin certificate root, or plain HTTP when it runs plaintext. */
  public synchronized HttpCalls.Client client() {
    if (client == null) {
      Path pki = dir.resolve("pki");
      client = tls ? HttpCalls.tls(pki.resolve("ca.pem"), pki.resolve("root.pem"), pki.resolve("root.key"))
          : HttpCalls.plain();
    }
    return client;
  }

  /**
   * Starts n1..n3, each with {@code -Xmx256m} unless {@code jvmArgs} gives node i its own flags, and
   * waits until every node is ready and one leads.
   */
  public static ProcessCluster start(Path dir, IntFunction<List<String>> jvmArgs, List<String> serverArgs)
      throws IOException {
    boolean tls = !serverArgs.contains("--insecure-plaintext=true");
    ProcessCluster cluster = new ProcessCluster(dir, tls);
    try {
      if (tls) {
        quorumkv.server.tls.DevPki pki = quorumkv.server.tls.DevPki.openOrCreate(dir.resolve("pki"), "test");
        for (String node : List.of("n1", "n2", "n3")) {
          pki.issueNode(node, List.of(), Duration.ofDays(1));
        }
        pki.issueClient("root", Duration.ofDays(1));
      }
      // Nine distinct ports, all held at once while chosen (one at a time, the same port can come back twice).
      List<Integer> ports = quorumkv.server.testing.LocalCluster.freeLoopbackPorts(9);
      int[] raft = {ports.get(0), ports.get(1), ports.get(2)};
      String peers = "n1=127.0.0.1:" + raft[0] + ",n2=127.0.0.1:" + raft[1] + ",n3=127.0.0.1:" + raft[2];
      for (int i = 0; i < 3; i++) {
        int httpPort = ports.get(3 + i);
        int opsPort = ports.get(6 + i);
        cluster.http.add("127.0.0.1:" + httpPort);
        cluster.ops.add("127.0.0.1:" + opsPort);
        List<String> jvm = jvmArgs.apply(i);
        cluster.nodes[i] = cluster.launch("n" + (i + 1), jvm.isEmpty() ? List.of("-Xmx256m") : jvm, peers, httpPort,
            opsPort, serverArgs);
      }
      cluster.waitForLeader(Duration.ofSeconds(60));
      return cluster;
    } catch (IOException | RuntimeException | Error e) {
      cluster.close();
      throw e;
    }
  }

  /** Node i's HTTP address, host:port. */
  public String http(int i) {
    return http.get(i);
  }

  /** Node i's operations (health) address, host:port. */
  public String ops(int i) {
    return ops.get(i);
  }

  public Process process(int i) {
    return nodes[i];
  }

  /** What node i printed so far (stdout and stderr). */
  public String output(int i) throws IOException {
    return Files.readString(dir.resolve("n" + (i + 1) + ".out")) + Files.readString(dir.resolve("n" + (i + 1) + ".err"));
  }

  /** The leader's index once every node is ready and one of them leads. */
  public int waitForLeader(Duration timeout) {
    int[] found = {-1};
    Eventually.assertTrue(timeout, () -> {
      for (String o : ops) {
        if (client().get(o, "/ready").status() != 200) {
          return false;
        }
      }
      for (int i = 0; i < 3; i++) {
        if ("leader".equals(client().get(http.get(i), "/v1/cluster").json().get("role").asText())) {
          found[0] = i;
          return true;
        }
      }
      return false;
    }, "a leader, every node ready");
    return found[0];
  }

  private Process launch(String node, List<String> jvm, String peers, int httpPort, int opsPort, List<String> serverArgs)
      throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(jvm);
    cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), KvServerMain.class.getName(), "server",
        "--node.id=" + node, "--raft.peers=" + peers, "--storage.data-dir=" + dir.resolve(node),
        "--http.port=" + httpPort, "--http.bind-host=127.0.0.1", "--ops.port=" + opsPort));
    if (tls) {
      Path pki = dir.resolve("pki");
      cmd.addAll(List.of("--tls.ca-file=" + pki.resolve("ca.pem"), "--tls.cert-file=" + pki.resolve(node + ".pem"),
          "--tls.key-file=" + pki.resolve(node + ".key")));
    }
    cmd.addAll(serverArgs);
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(dir.resolve(node + ".out").toFile())
        .redirectError(dir.resolve(node + ".err").toFile());
    pb.environment().keySet().removeIf(k -> k.startsWith("QUORUMKV_"));
    return pb.start();
  }

  /** SIGKILL for every node still running. */
  @Override
  public void close() {
    for (Process p : nodes) {
      if (p != null) {
        p.destroyForcibly();
        try {
          p.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    }
  }
}
