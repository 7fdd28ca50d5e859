package quorumkv.linearizability.cluster;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.protocol.GroupInfoReply;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.retry.RetryPolicies;
import quorumkv.raftlog.command.ClusterIds;

/**
 * Harness (b): each node a separate JVM in its own network namespace (veth pairs on a bridge, addresses
 * 10.88.S.1..N; the test process reaches them through the bridge at 10.88.S.254). Partitions are nftables
 * drop rules inside the receiving namespaces, kills are SIGKILL, pauses SIGSTOP/SIGCONT — of the pids this
 * harness started, never by name. Every name carries a per-run prefix and the subnet is per run (one no
 * interface here uses); leftovers of crashed runs (names starting with {@code qkv} whose owning JVM is
 * gone) are removed at start, everything is torn down on close.
 * Requires root, iproute2 and nftables ({@link #whyUnavailable()} says what is missing).
 */
public final class NamespaceClusterControl implements ClusterControl {
  private static final int RAFT_PORT = 9871;
  private static final Pattern PACKETS = Pattern.compile("packets (\\d+)");

  /** Who owns which network: one file per run prefix holding the pid of the JVM that created it. */
  private static final Path OWNERS = Path.of("/run/quorumkv-netns");
  private final String prefix;
  private final int subnet;
  private final int size;
  private final Path dir;
  private final Process[] processes;
  private final RaftClient admin;
  private final RaftClient probe;
  private final RaftGroup group;
  private final List<int[]> cut = new ArrayList<>();
  private final Set<Integer> paused = new HashSet<>();
  private long evidenceBase;

  private NamespaceClusterControl(int size, Path dir) {
    this.prefix = String.format(Locale.ROOT, "qkv%04x", ThreadLocalRandom.current().nextInt(0x10000));
    this.subnet = freeSubnet();
    this.size = size;
    this.dir = dir;
    this.processes = new Process[size];
    List<RaftPeer> peers = new ArrayList<>();
    for (int i = 0; i < size; i++) {
      peers.add(RaftPeer.newBuilder().setId(id(i)).setAddress(address(i)).build());
    }
    this.group = RaftGroup.valueOf(RaftGroupId.valueOf(ClusterIds.groupId(clusterId())), peers);
    // Admin calls (leader transfer) may first reach a follower: retry a few times, bounded.
    this.admin = RaftClient.newBuilder().setProperties(new RaftProperties()).setRaftGroup(group)
        .setRetryPolicy(RetryPolicies.retryUpToMaximumCountWithFixedSleep(10,
            org.apache.ratis.util.TimeDuration.valueOf(200, TimeUnit.MILLISECONDS))).build();
    // Status probes go to one named node and must not wait: no retries.
    this.probe = RaftClient.newBuilder().setProperties(new RaftProperties()).setRaftGroup(group)
        .setRetryPolicy(RetryPolicies.noRetry()).build();
  }

  /** Null if namespaces can be used here, else why not. */
  public static String whyUnavailable() {
    return Sh.whyUnavailable();
  }

  public static NamespaceClusterControl start(int size, Path dir) throws Exception {
    removeLeftovers();
    NamespaceClusterControl c = new NamespaceClusterControl(size, dir);
    try {
      c.createNetwork();
      for (int i = 0; i < size; i++) {
        c.restart(i);
      }
      c.awaitLeader(60_000);
      return c;
    } catch (Exception e) {
      c.close();
      throw e;
    }
  }

  /** The network namespace node {@code i} runs in (for diagnosis: {@code ip netns exec <it> nft list ruleset}). */
  public String namespace(int i) {
    return ns(i);
  }

  private String ns(int i) {
    return prefix + "-" + id(i);
  }

  private String ip(int i) {
    return "10.88." + subnet + "." + (i + 1);
  }

  private String address(int i) {
    return ip(i) + ":" + RAFT_PORT;
  }

  private void createNetwork() throws IOException {
    claim();
    String bridge = prefix + "br";
    Sh.run("ip", "link", "add", bridge, "type", "bridge");
    Sh.run("ip", "addr", "add", "10.88." + subnet + ".254/24", "dev", bridge);
    Sh.run("ip", "link", "set", bridge, "up");
    for (int i = 0; i < size; i++) {
      String veth = prefix + "v" + (i + 1);
      Sh.run("ip", "netns", "add", ns(i));
      Sh.run("ip", "link", "add", veth, "type", "veth", "peer", "name", "eth0", "netns", ns(i));
      Sh.run("ip", "link", "set", veth, "master", bridge);
      Sh.run("ip", "link", "set", veth, "up");
      Sh.run("ip", "-n", ns(i), "link", "set", "lo", "up");
      Sh.run("ip", "-n", ns(i), "link", "set", "eth0", "up");
      Sh.run("ip", "-n", ns(i), "addr", "add", ip(i) + "/24", "dev", "eth0");
      Sh.run("ip", "netns", "exec", ns(i), "nft", "add", "table", "inet", "qkv");
      Sh.run("ip", "netns", "exec", ns(i), "nft", "add", "chain", "inet", "qkv", "input",
          "{ type filter hook input priority 0; policy accept; }");
    }
  }

  /**
   * Deletes namespaces and links named qkv* left behind by crashed runs of this harness, but never those
   * of a run still going: each run records its JVM's pid under {@link #OWNERS} (another engineer's test,
   * or a CI run on the same machine, may be using its own namespaces right now).
   */
  static void removeLeftovers() {
    Set<String> dead = new HashSet<>();
    for (String line : Sh.tryRun("ip", "netns", "list").split("\n")) {
      String name = line.split(" ")[0].trim();
      if (name.matches("qkv[0-9a-f]{4}-n\\d+") && !ownerAlive(name.substring(0, 7))) {
        dead.add(name.substring(0, 7));
        Sh.tryRun("ip", "netns", "del", name);
      }
    }
    for (String line : Sh.tryRun("ip", "-o", "link", "show").split("\n")) {
      Matcher m = Pattern.compile("^\\d+: ((qkv[0-9a-f]{4})(br|v\\d+))[@:]").matcher(line);
      if (m.find() && !ownerAlive(m.group(2))) {
        dead.add(m.group(2));
        Sh.tryRun("ip", "link", "del", m.group(1));
      }
    }
    for (String prefix : dead) {
      try {
        Files.deleteIfExists(OWNERS.resolve(prefix));
      } catch (IOException e) {
        // a stale marker only keeps nothing alive: its pid is gone
      }
    }
  }

  /** True if the run that created {@code prefix}'s network is still running (its owner file names a live pid). */
  static boolean ownerAlive(String prefix) {
    try {
      long pid = Long.parseLong(Files.readString(OWNERS.resolve(prefix)).trim());
      return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    } catch (IOException | NumberFormatException e) {
      return false; // no marker: a crashed run of a version without markers, or a marker half written
    }
  }

  /** Claims {@code prefix} and a subnet no live run uses; the marker holds this JVM's pid. */
  private void claim() throws IOException {
    Files.createDirectories(OWNERS);
    Files.writeString(OWNERS.resolve(prefix), Long.toString(ProcessHandle.current().pid()));
  }

  /** A /24 under 10.88/16 that no interface on this machine uses, so concurrent runs never share one. */
  private static int freeSubnet() {
    String addresses = Sh.tryRun("ip", "-o", "-4", "addr", "show");
    for (int attempt = 0; attempt < 50; attempt++) {
      int candidate = 1 + ThreadLocalRandom.current().nextInt(250);
      if (!addresses.contains(" 10.88." + candidate + ".")) {
        return candidate;
      }
    }
    throw new IllegalStateException("no free 10.88.x.0/24 subnet for a namespace cluster");
  }

  @Override
  public int size() {
    return size;
  }

  @Override
  public List<String> clientAddresses() {
    List<String> a = new ArrayList<>();
    for (int i = 0; i < size; i++) {
      a.add(address(i));
    }
    return a;
  }

  @Override
  public String clusterId() {
    return "quorumkv";
  }

  private GroupInfoReply info(int i) {
    if (processes[i] == null || paused.contains(i)) {
      return null;
    }
    try {
      return probe.getGroupManagementApi(RaftPeerId.valueOf(id(i))).info(group.getGroupId());
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  @Override
  public int leader() {
    for (int i = 0; i < size; i++) {
      GroupInfoReply r = info(i);
      if (r != null && r.getRoleInfoProto().getRole() == org.apache.ratis.proto.RaftProtos.RaftPeerRole.LEADER) {
        return i;
      }
    }
    return -1;
  }

  private void awaitLeader(long millis) throws InterruptedException, IOException {
    long until = System.currentTimeMillis() + millis;
    while (System.currentTimeMillis() < until) {
      if (leader() >= 0) {
        return;
      }
      Thread.sleep(200);
    }
    throw new IOException("no leader within " + millis + " ms; node logs in " + dir);
  }

  @Override
  public long maxTerm() {
    long max = 0;
    for (int i = 0; i < size; i++) {
      GroupInfoReply r = info(i);
      if (r != null && r.getLogInfoProto() != null) {
        max = Math.max(max, r.getLogInfoProto().getLastEntry().getTerm());
      }
    }
    return max;
  }

  @Override
  public void kill(int i) throws Exception {
    Process p = processes[i];
    processes[i] = null;
    paused.remove(i);
    if (p != null) {
      Sh.tryRun("kill", "-CONT", String.valueOf(p.pid()));
      p.destroyForcibly();   // SIGKILL
      p.waitFor(10, TimeUnit.SECONDS);
    }
  }

  @Override
  public void restart(int i) throws IOException {
    if (processes[i] != null) {
      return;
    }
    Files.createDirectories(dir);
    StringBuilder peers = new StringBuilder();
    for (int j = 0; j < size; j++) {
      peers.append(j == 0 ? "" : ",").append(id(j)).append('=').append(address(j));
    }
    List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", ns(i),
        Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m", "-XX:+UseSerialGC",
        "-Dorg.slf4j.simpleLogger.defaultLogLevel=info"));
    // For diagnosis, e.g. -Dquorumkv.lin.node-jvm-args=-Dorg.slf4j.simpleLogger.log.org.apache.ratis=info
    String extra = System.getProperty("quorumkv.lin.node-jvm-args", "").strip();
    if (!extra.isEmpty()) {
      cmd.addAll(List.of(extra.split("\\s+")));
    }
    cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), "quorumkv.server.KvServerMain", "server",
        "--node.id=" + id(i), "--raft.peers=" + peers, "--storage.data-dir=" + dir.resolve(id(i))));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve(id(i) + ".log").toFile()));
    pb.environment().keySet().removeIf(k -> k.startsWith("QUORUMKV_"));
    processes[i] = pb.start();   // ip netns exec execs java: this pid is the node's
  }

  @Override
  public boolean isRunning(int i) {
    return processes[i] != null && processes[i].isAlive();
  }

  @Override
  public void pause(int i) throws IOException {
    if (processes[i] != null) {
      Sh.run("kill", "-STOP", String.valueOf(processes[i].pid()));
      paused.add(i);
    }
  }

  @Override
  public void resume(int i) throws IOException {
    if (processes[i] != null) {
      Sh.run("kill", "-CONT", String.valueOf(processes[i].pid()));
    }
    paused.remove(i);
  }

  @Override
  public synchronized void partition(List<Set<Integer>> groups) throws IOException {
    List<int[]> links = new ArrayList<>();
    for (int a = 0; a < groups.size(); a++) {
      for (int b = a + 1; b < groups.size(); b++) {
        for (int x : groups.get(a)) {
          for (int y : groups.get(b)) {
            links.add(new int[] {x, y});
          }
        }
      }
    }
    cutLinks(links);
  }

  @Override
  public synchronized void cutLinks(List<int[]> links) throws IOException {
    healLinks();
    for (int[] l : links) {
      drop(l[1], l[0]);
      drop(l[0], l[1]);
      cut.add(l);
    }
  }

  /** In namespace {@code at}, drop every packet from node {@code from}, counting them. */
  private void drop(int at, int from) throws IOException {
    Sh.run("ip", "netns", "exec", ns(at), "nft", "add", "rule", "inet", "qkv", "input", "ip", "saddr", ip(from),
        "counter", "drop");
  }

  private void healLinks() throws IOException {
    evidenceBase += droppedPackets();
    for (int i = 0; i < size; i++) {
      Sh.run("ip", "netns", "exec", ns(i), "nft", "flush", "chain", "inet", "qkv", "input");
    }
    cut.clear();
  }

  private long droppedPackets() {
    long total = 0;
    for (int i = 0; i < size; i++) {
      Matcher m = PACKETS.matcher(Sh.tryRun("ip", "netns", "exec", ns(i), "nft", "list", "chain", "inet", "qkv", "input"));
      while (m.find()) {
        total += Long.parseLong(m.group(1));
      }
    }
    return total;
  }

  @Override
  public synchronized void healAll() throws IOException {
    healLinks();
    for (int i : new ArrayList<>(paused)) {
      resume(i);
    }
  }

  @Override
  public void transferLeadership(int i) throws IOException {
    var reply = admin.admin().transferLeadership(RaftPeerId.valueOf(id(i)), 10_000);
    if (!reply.isSuccess()) {
      throw new IOException("leader transfer to " + id(i) + " failed: " + reply.getException());
    }
  }

  /**
   * Opens a TCP connection across each cut link, both directions, from inside the sender's namespace. A
   * cut link drops the SYN (counted by its rule), so the attempt times out: exit 124 of {@code timeout}.
   * The nodes' own traffic is not enough evidence: an isolated follower's leader may send it only a
   * dozen packets in three seconds, or none while its appender backs off.
   */
  @Override
  public long confirmCut() throws Exception {
    List<int[]> links;
    synchronized (this) {
      links = new ArrayList<>(cut);
    }
    List<Process> probes = new ArrayList<>();
    List<String> names = new ArrayList<>();
    for (int[] l : links) {
      for (int[] d : List.of(l, new int[] {l[1], l[0]})) {
        probes.add(new ProcessBuilder("ip", "netns", "exec", ns(d[0]), "timeout", "2", "bash", "-c",
            "exec 3<>/dev/tcp/" + ip(d[1]) + "/" + RAFT_PORT).redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD).start());
        names.add(id(d[0]) + "->" + id(d[1]));
      }
    }
    long blocked = 0;
    List<String> open = new ArrayList<>();
    for (int i = 0; i < probes.size(); i++) {
      Process p = probes.get(i);
      if (!p.waitFor(20, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IOException("cut probe " + names.get(i) + " did not end");
      }
      if (p.exitValue() == 124) {
        blocked++;
      } else {
        open.add(names.get(i) + " (exit " + p.exitValue() + ")");
      }
    }
    if (!open.isEmpty()) {
      throw new IllegalStateException("links that should be cut let a connection through: " + open);
    }
    return blocked;
  }

  @Override
  public long faultEvidence() {
    return evidenceBase + droppedPackets();
  }

  /** Where node logs are. */
  public Path directory() {
    return dir;
  }

  @Override
  public void close() {
    for (int i = 0; i < size; i++) {
      try {
        kill(i);
      } catch (Exception e) {
        // best effort
      }
    }
    try {
      admin.close();
      probe.close();
    } catch (IOException e) {
      // best effort
    }
    for (int i = 0; i < size; i++) {
      Sh.tryRun("ip", "netns", "del", ns(i));
      Sh.tryRun("ip", "link", "del", prefix + "v" + (i + 1));
    }
    Sh.tryRun("ip", "link", "del", prefix + "br");
    try {
      Files.deleteIfExists(OWNERS.resolve(prefix));
    } catch (IOException e) {
      // removeLeftovers of a later run deletes it once this pid is gone
    }
  }
}
