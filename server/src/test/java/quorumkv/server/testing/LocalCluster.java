package quorumkv.server.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftPeerId;
import quorumkv.client.KvClient;
import quorumkv.client.KvClientConfig;
import quorumkv.client.connect.KvClients;
import quorumkv.raftlog.statemachine.StateMachineListener;
import quorumkv.server.config.ConfigKeys;
import quorumkv.server.config.ConfigLoader;
import quorumkv.server.config.PeerSpec;
import quorumkv.server.config.ServerConfig;
import quorumkv.server.node.KvServer;
import quorumkv.server.ratis.KvNode;
import quorumkv.server.tls.DevPki;
import quorumkv.server.ratis.NodeInternals;

/**
 * An in-process cluster of real nodes on 127.0.0.1 ephemeral ports, each with its own data dir under a
 * base directory: for tests. {@link #stop} closes a node abruptly (no leadership hand-over); its data
 * stays, and {@link #restart} brings it back on the same port.
 *
 * <p>Nodes are n1, n2, ... by index (index 0 = n1). {@link #start(int, int, Path, Map)} makes the last ones
 * listeners (non-voting asynchronous followers); {@link #addNode} starts a brand-new node whose config
 * lists the current nodes plus itself, to be added to the running group with a membership change.
 *
 * <p>Secure by default, as a real cluster: every node gets a certificate from a development CA made in
 * {@code <baseDir>/pki} (mutual TLS on its Raft port and HTTP listeners), and {@link #clientConfig} shows the
 * admin client certificate {@code root}. A test that needs plaintext says so with
 * {@code quorumkv.insecure-plaintext=true} in its overrides.
 */
public final class LocalCluster implements AutoCloseable {
  private final Path baseDir;
  private final Map<String, String> overrides;
  private final List<ServerConfig> configs = new ArrayList<>();
  private final List<KvNode> nodes = new ArrayList<>();
  /** With HTTP: the whole node (Raft node plus HTTP API) per index; null entries otherwise. */
  private final List<KvServer> servers = new ArrayList<>();
  private final boolean withHttp;
  /** The development CA and its certificates; null when the overrides ask for plaintext. */
  private final DevPki pki;
  /** Per node index: where its state machine reports events (clusters without HTTP only). */
  private final Map<Integer, StateMachineListener> stateMachineListeners = new HashMap<>();

  private LocalCluster(Path baseDir, Map<String, String> overrides, List<Integer> advertised, List<Integer> listen) {
    this(baseDir, overrides, advertised, listen, null, 0);
  }

  /** The last {@code listeners} of the {@code advertised.size()} nodes are listeners. */
  private LocalCluster(Path baseDir, Map<String, String> overrides, List<Integer> advertised, List<Integer> listen,
      List<Integer> httpPorts, int listeners) {
    int count = advertised.size();
    this.baseDir = baseDir;
    this.overrides = Map.copyOf(overrides);
    this.withHttp = httpPorts != null;
    this.pki = "true".equals(overrides.get(ConfigKeys.INSECURE_PLAINTEXT)) ? null : devPki(baseDir, count);
    StringBuilder peers = new StringBuilder();
    for (int i = 0; i < count; i++) {
      peers.append(i == 0 ? "" : ",").append(peerEntry(i, advertised.get(i), i >= count - listeners));
    }
    for (int i = 0; i < count; i++) {
      configs.add(configOf(i, peers.toString(), advertised.get(i), listen.get(i),
          httpPorts == null ? null : httpPorts.get(i)));
      nodes.add(null);
      servers.add(null);
    }
  }

  /** A development CA in {@code <baseDir>/pki} with certificates n1..n{count} and the clients root and app. */
  private static DevPki devPki(Path baseDir, int count) {
    try {
      DevPki pki = DevPki.openOrCreate(baseDir.resolve("pki"), "test");
      for (int i = 1; i <= count; i++) {
        issueNode(pki, "n" + i);
      }
      for (String client : List.of(ADMIN_CLIENT, "app")) {
        if (!Files.exists(pki.dir().resolve(client + ".key"))) {
          pki.issueClient(client, Duration.ofDays(2));
        }
      }
      return pki;
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static void issueNode(DevPki pki, String id) throws IOException {
    if (!Files.exists(pki.dir().resolve(id + ".key"))) {
      pki.issueNode(id, List.of(), Duration.ofDays(2));
    }
  }

  /**
   * Ratis parameters for a raw Raft client of this cluster: mutual TLS with the admin certificate, or none
   * for a plaintext cluster.
   */
  public org.apache.ratis.conf.Parameters raftClientParameters() {
    return raftClientParameters(pki == null ? null : pki.dir());
  }

  /** As {@link #raftClientParameters()} for the development CA in {@code pkiDir} (null: plaintext). */
  public static org.apache.ratis.conf.Parameters raftClientParameters(Path pkiDir) {
    org.apache.ratis.conf.Parameters p = new org.apache.ratis.conf.Parameters();
    if (pkiDir != null) {
      // The reload thread is a daemon; the managers stay valid after the files object is dropped.
      quorumkv.client.tls.TlsFiles files = quorumkv.client.tls.TlsFiles.open(pkiDir.resolve(DevPki.CA_CERT),
          pkiDir.resolve(ADMIN_CLIENT + ".pem"), pkiDir.resolve(ADMIN_CLIENT + ".key"), Duration.ofHours(1));
      org.apache.ratis.grpc.GrpcConfigKeys.TLS.setConf(p, org.apache.ratis.grpc.GrpcTlsConfig.newBuilder()
          .setKeyManager(files.keyManager()).setTrustManager(files.trustManager()).setMutualTls(true).build());
      files.close();
    }
    return p;
  }

  /** An HTTP client for this cluster's listeners: HTTPS with the admin certificate, or plain HTTP. */
  public synchronized quorumkv.server.HttpCalls.Client http() {
    if (http == null) {
      http = pki == null ? quorumkv.server.HttpCalls.plain() : quorumkv.server.HttpCalls.tls(
          pki.dir().resolve(DevPki.CA_CERT), pki.dir().resolve(ADMIN_CLIENT + ".pem"),
          pki.dir().resolve(ADMIN_CLIENT + ".key"));
    }
    return http;
  }

  private quorumkv.server.HttpCalls.Client http;

  /** Overrides for a cluster that runs plaintext: for tests of the HTTP layer's parsing and limits, which
   *  TLS does not change (HttpTlsIT covers TLS itself). Named so, as the setting is. */
  public static final Map<String, String> INSECURE_PLAINTEXT = Map.of(ConfigKeys.INSECURE_PLAINTEXT, "true");

  /** The admin client certificate {@link #clientConfig} shows. */
  public static final String ADMIN_CLIENT = "root";

  /** The development CA's directory; null for a plaintext cluster. */
  public Path pki() {
    return pki == null ? null : pki.dir();
  }

  /** Issues a client certificate named {@code name} from this cluster's CA (if it has none yet). */
  public void issueClient(String name) throws IOException {
    if (!Files.exists(pki.dir().resolve(name + ".key"))) {
      pki.issueClient(name, Duration.ofDays(2));
    }
  }

  /**
   * Makes {@code user} a user holding a role of its own, {@code <user>-role}, with {@code permissions}, through
   * the admin client. Idempotent.
   */
  public void grant(String user, quorumkv.raftlog.command.Permission... permissions) {
    try (KvClient admin = connect()) {
      grant(admin, user, permissions);
    }
  }

  /** As {@link #grant(String, quorumkv.raftlog.command.Permission...)}, through {@code admin}. */
  public static void grant(KvClient admin, String user, quorumkv.raftlog.command.Permission... permissions) {
    quorumkv.client.KvAuth auth = admin.auth();
    auth.addUser(user);
    auth.addRole(user + "-role");
    for (quorumkv.raftlog.command.Permission p : permissions) {
      auth.grant(user + "-role", p);
    }
    auth.grantRole(user, user + "-role");
  }

  /** Client TLS with {@code name}'s certificate from this cluster's CA, or plaintext for a plaintext cluster. */
  public KvClientConfig.Tls clientTls(String name) {
    return pki == null ? KvClientConfig.Tls.PLAINTEXT : KvClientConfig.Tls.of(pki.dir().resolve(DevPki.CA_CERT),
        pki.dir().resolve(name + ".pem"), pki.dir().resolve(name + ".key"));
  }

  private static String peerEntry(int index, int port, boolean listener) {
    return "n" + (index + 1) + "=127.0.0.1:" + port + (listener ? ":listener" : "");
  }

  private ServerConfig configOf(int index, String peers, int advertised, int listen, Integer httpPort) {
    Map<String, String> settings = new HashMap<>();
    settings.put(ConfigKeys.NODE_ID, "n" + (index + 1));
    settings.put(ConfigKeys.PEERS, peers);
    settings.put(ConfigKeys.DATA_DIR, baseDir.resolve("n" + (index + 1)).toString());
    if (listen != advertised) {
      settings.put(ConfigKeys.LISTEN_PORT, String.valueOf(listen));
    }
    if (httpPort != null) {
      settings.put(ConfigKeys.HTTP_PORT, String.valueOf(httpPort));
      settings.put(ConfigKeys.HTTP_BIND_HOST, "127.0.0.1");
      settings.put(ConfigKeys.OPS_PORT, String.valueOf(freePorts(1).get(0)));
    }
    String id = "n" + (index + 1);
    if (pki != null) {
      settings.put(ConfigKeys.TLS_CA_FILE, pki.dir().resolve(DevPki.CA_CERT).toString());
      settings.put(ConfigKeys.TLS_CERT_FILE, pki.dir().resolve(id + ".pem").toString());
      settings.put(ConfigKeys.TLS_KEY_FILE, pki.dir().resolve(id + ".key").toString());
    }
    // "{node}" in an override is this node's id (per-node files such as TLS certificates); a key written
    // "nK/" + key applies to node nK only (one node with other timeouts than the rest).
    overrides.forEach((key, value) -> {
      int slash = key.indexOf('/');
      if (slash < 0 || key.substring(0, slash).equals(id)) {
        settings.put(key.substring(slash + 1), value.replace("{node}", id));
      }
    });
    return ConfigLoader.fromMap(settings);
  }

  /**
   * Starts nodes that bind {@code listenPorts} but are known to peers and clients by
   * {@code advertisedPorts} (on 127.0.0.1): put a proxy on each advertised port to intercept every
   * byte to that node, from peers and clients alike.
   */
  public static LocalCluster startBehind(Path baseDir, Map<String, String> overrides, List<Integer> advertisedPorts,
      List<Integer> listenPorts) throws IOException {
    return startAll(new LocalCluster(baseDir, overrides, advertisedPorts, listenPorts));
  }

  /** {@code count} free loopback ports (free when this returns; for proxies and listen ports). */
  public static List<Integer> freeLoopbackPorts(int count) {
    return freePorts(count);
  }

  /** Starts {@code count} voters n1..n{count} with default settings. */
  public static LocalCluster start(int count, Path baseDir) throws IOException {
    return start(count, baseDir, Map.of());
  }

  /** Starts {@code count} voters with the given config keys overriding the defaults on every node. */
  public static LocalCluster start(int count, Path baseDir, Map<String, String> overrides) throws IOException {
    List<Integer> ports = freePorts(count);
    return startAll(new LocalCluster(baseDir, overrides, ports, ports));
  }

  /**
   * Starts {@code voters} voters n1..n{voters} and then {@code listeners} listeners (non-voting
   * asynchronous followers, configured as {@code id=host:port:listener}), all in the initial group.
   */
  public static LocalCluster start(int voters, int listeners, Path baseDir, Map<String, String> overrides)
      throws IOException {
    List<Integer> ports = freePorts(voters + listeners);
    return startAll(new LocalCluster(baseDir, overrides, ports, ports, null, listeners));
  }

  /**
   * Starts a brand-new node n{size()+1} on a fresh port and data dir and returns its index. Its config
   * lists every node of this cluster plus itself ({@code asListener}: as a listener); the running group
   * does not know it until a membership change adds it. Start it as a listener: a node configured
   * as a voter but not yet in the group's configuration times out and campaigns in vain.
   */
  public synchronized int addNode(boolean asListener) throws IOException {
    int index = configs.size();
    if (pki != null) {
      issueNode(pki, "n" + (index + 1));
    }
    List<Integer> ports = freePorts(withHttp ? 2 : 1);
    StringBuilder peers = new StringBuilder();
    for (ServerConfig c : configs) {
      var self = c.self();
      peers.append(self.id()).append('=').append(self.host()).append(':').append(self.port())
          .append(self.role() == PeerSpec.Role.LISTENER ? ":listener" : "").append(',');
    }
    peers.append(peerEntry(index, ports.get(0), asListener));
    configs.add(configOf(index, peers.toString(), ports.get(0), ports.get(0), withHttp ? ports.get(1) : null));
    nodes.add(null);
    servers.add(null);
    restart(index);
    return index;
  }

  /**
   * Starts {@code count} voters, each with its HTTP API on its own free loopback port (see
   * {@link #httpAddress}) and its operations port, /health, /ready and /metrics (see {@link #opsAddress}).
   */
  public static LocalCluster startWithHttp(int count, Path baseDir, Map<String, String> overrides) throws IOException {
    List<Integer> ports = freePorts(2 * count);
    return startAll(new LocalCluster(baseDir, overrides, ports.subList(0, count), ports.subList(0, count),
        ports.subList(count, 2 * count), 0));
  }

  /** As {@link #startWithHttp(int, Path, Map)}, with {@code listeners} listeners after the {@code voters} voters. */
  public static LocalCluster startWithHttp(int voters, int listeners, Path baseDir, Map<String, String> overrides)
      throws IOException {
    int count = voters + listeners;
    List<Integer> ports = freePorts(2 * count);
    return startAll(new LocalCluster(baseDir, overrides, ports.subList(0, count), ports.subList(0, count),
        ports.subList(count, 2 * count), listeners));
  }

  /** host:port of node {@code index}'s HTTP API (clusters started with {@link #startWithHttp}). */
  public String httpAddress(int index) {
    if (!withHttp) {
      throw new IllegalStateException("this cluster was started without HTTP");
    }
    return "127.0.0.1:" + configs.get(index).http().port();
  }

  /** host:port of node {@code index}'s operations port: /health, /ready, /metrics (with {@link #startWithHttp}). */
  public String opsAddress(int index) {
    if (!withHttp) {
      throw new IllegalStateException("this cluster was started without HTTP");
    }
    return "127.0.0.1:" + configs.get(index).ops().port();
  }

  private static LocalCluster startAll(LocalCluster cluster) throws IOException {
    int count = cluster.size();
    try {
      for (int i = 0; i < count; i++) {
        cluster.restart(i);
      }
    } catch (IOException | RuntimeException e) {
      cluster.close();
      throw e;
    }
    return cluster;
  }

  public String clusterId() {
    return configs.get(0).clusterId();
  }

  /** host:port of every node, index 0 = n1 (nodes added by {@link #addNode} included). */
  public synchronized List<String> addresses() {
    return configs.stream().map(c -> c.self().address()).toList();
  }

  /**
   * A client config builder for this cluster: every node's address (added nodes included) and the
   * cluster id, the client library's defaults otherwise; add a deadline or limits before {@code build()}.
   */
  public KvClientConfig.Builder clientConfig() {
    return KvClientConfig.builder().addresses(addresses()).clusterId(clusterId()).tls(clientTls(ADMIN_CLIENT));
  }

  /** A client of this cluster with the client library's defaults; the caller closes it. */
  public KvClient connect() {
    return KvClients.connect(clientConfig().build());
  }

  /** The node id of node {@code index}: n{index+1}. */
  public String nodeId(int index) {
    return config(index).nodeId();
  }

  public synchronized ServerConfig config(int index) {
    return configs.get(index);
  }

  public Path baseDir() {
    return baseDir;
  }

  public synchronized int size() {
    return nodes.size();
  }

  public synchronized boolean isRunning(int index) {
    return nodes.get(index) != null;
  }

  /** The running node, or null if stopped. */
  public synchronized KvNode node(int index) {
    return nodes.get(index);
  }

  /** Waits until a running node is leader and returns its index. */
  public int waitForLeader(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      for (int i = 0; i < size(); i++) {
        KvNode n = node(i);
        if (n != null && n.isLeader()) {
          return i;
        }
      }
      sleep(20);
    }
    throw new IllegalStateException("no leader within " + timeout);
  }

  /** One line per node (role, term, leader, indexes, or why it cannot say), for a test's failure message. */
  public synchronized String describe() {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < nodes.size(); i++) {
      KvNode n = nodes.get(i);
      out.append(i == 0 ? "" : "; ").append(nodeId(i)).append(": ");
      if (n == null) {
        out.append("stopped");
        continue;
      }
      try {
        var s = n.status();
        out.append(s.role()).append(" term ").append(s.term()).append(" leader ").append(s.leaderId())
            .append(" commit ").append(s.commitIndex()).append(" applied ").append(s.appliedIndex())
            .append(" last ").append(s.lastLogIndex()).append(" leader contact ").append(s.leaderContactMs()).append(" ms");
      } catch (IOException | RuntimeException e) {
        out.append("status failed: ").append(e);
      }
    }
    return out.toString();
  }

  /** Closes the node abruptly; its data dir is kept. */
  public synchronized void stop(int index) throws IOException {
    KvNode n = nodes.get(index);
    KvServer server = servers.get(index);
    nodes.set(index, null);
    servers.set(index, null);
    if (server != null) {
      server.close();
    } else if (n != null) {
      n.close();
    }
  }

  /** Starts a stopped node on its data dir and port. */
  public synchronized void restart(int index) throws IOException {
    if (nodes.get(index) != null) {
      return;
    }
    IOException last = null;
    // The port may linger in TIME_WAIT-like states briefly after a stop; retry the bind a few times.
    for (int attempt = 0; attempt < 50; attempt++) {
      try {
        if (withHttp) {
          servers.set(index, KvServer.start(configs.get(index)));
          nodes.set(index, servers.get(index).node());
        } else {
          nodes.set(index, KvNode.start(configs.get(index),
              stateMachineListeners.getOrDefault(index, StateMachineListener.NONE)));
        }
        return;
      } catch (quorumkv.server.config.ConfigException e) {
        if (!e.getMessage().contains("in use")) {
          throw e;
        }
        last = new IOException(e.getMessage(), e);
        sleep(100);
      }
    }
    throw last;
  }

  /**
   * From its next (re)start on, node {@code index}'s state machine reports to {@code listener} (see
   * {@link StateMachineListener}; a test can also slow the node's apply thread down from it). Clusters
   * without HTTP only: with HTTP the node reports to its metrics.
   */
  public synchronized void setStateMachineListener(int index, StateMachineListener listener) {
    if (withHttp) {
      throw new IllegalStateException("clusters with HTTP report state-machine events to their metrics");
    }
    stateMachineListeners.put(index, listener);
  }

  /** Asks node {@code index} to take a snapshot now and returns its index. */
  public long takeSnapshot(int index) throws IOException {
    ServerConfig c = config(index);
    RaftGroup group = NodeInternals.division(node(index)).getGroup();
    try (RaftClient client = RaftClient.newBuilder().setProperties(new RaftProperties()).setRaftGroup(group)
        .setParameters(raftClientParameters()).build()) {
      var reply = client.getSnapshotManagementApi(RaftPeerId.valueOf(c.nodeId())).create(true, 30_000);
      if (!reply.isSuccess()) {
        throw new IOException("snapshot on " + c.nodeId() + " failed: " + reply.getException());
      }
      return reply.getLogIndex();
    }
  }

  @Override
  public synchronized void close() {
    for (int i = 0; i < nodes.size(); i++) {
      try {
        stop(i);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  /**
   * Listen ports below the kernel's ephemeral range (32768..60999 on Linux): a port taken from that range
   * with bind(0) can be handed to some outgoing connection between the choice and a node's bind (seen as
   * "ops port ... cannot be bound" in CI), while ports below it are only ever taken by listeners, which
   * the bind check here sees.
   */
  private static final int PORTS_FROM = 20_000, PORTS_TO = 32_000;

  /**
   * Every port this JVM has handed out: never handed out twice. A port is free when chosen but only bound
   * when its node starts, and each node's operations port is chosen on its own, after the other ports were
   * released: two choices could land on one port, and the second node then failed "in use" 50 times over
   * (MalformedRequestsIT's start in a CI run). A leaked node of an earlier test keeps its ports too.
   */
  private static final java.util.Set<Integer> HANDED_OUT = java.util.concurrent.ConcurrentHashMap.newKeySet();

  private static List<Integer> freePorts(int count) {
    List<ServerSocket> sockets = new ArrayList<>();
    java.util.Random random = new java.util.Random();
    try {
      List<Integer> ports = new ArrayList<>();
      for (int tries = 0; ports.size() < count; tries++) {
        if (tries > 10_000) {
          throw new IOException("no free port in " + PORTS_FROM + ".." + PORTS_TO);
        }
        int port = PORTS_FROM + random.nextInt(PORTS_TO - PORTS_FROM);
        if (HANDED_OUT.contains(port)) {
          continue;
        }
        try {
          ServerSocket s = new ServerSocket(port);   // all addresses: free for any bind host
          sockets.add(s);
          ports.add(port);
          HANDED_OUT.add(port);
        } catch (IOException taken) {
          // try another
        }
      }
      return ports;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      for (ServerSocket s : sockets) {
        try {
          s.close();
        } catch (IOException ignored) {
          // best effort
        }
      }
    }
  }

  private static void sleep(long ms) {
    try {
      TimeUnit.MILLISECONDS.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

}
