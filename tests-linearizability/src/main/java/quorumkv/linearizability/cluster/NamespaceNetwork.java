package quorumkv.linearizability.cluster;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The network of one namespace cluster: a bridge in the root namespace (10.88.S.254, how the test process
 * reaches the nodes) and per node a namespace joined to it by a veth pair (10.88.S.1..N), with an nftables
 * input chain in which cut links become counted drop rules. Every name carries the run's prefix and the
 * subnet is one no interface here uses. Not thread-safe: {@link NamespaceClusterControl} serializes the
 * changes to the links.
 */
final class NamespaceNetwork {
  static final int RAFT_PORT = 9871;
  private static final Pattern PACKETS = Pattern.compile("packets (\\d+)");

  private final String prefix;
  private final int subnet;
  private final int size;
  private final IntFunction<String> ids;
  /** The links cut now, as pairs of node indexes. */
  private final List<int[]> cut = new ArrayList<>();
  /** Packets dropped by rules flushed since: they still count as evidence. */
  private long evidenceBase;

  NamespaceNetwork(int size, IntFunction<String> ids) {
    this.prefix = String.format(Locale.ROOT, "qkv%04x", ThreadLocalRandom.current().nextInt(0x10000));
    this.subnet = freeSubnet();
    this.size = size;
    this.ids = ids;
  }

  /** The run's prefix of every name ({@code qkv1a2b}). */
  String prefix() {
    return prefix;
  }

  /** Node {@code i}'s namespace. */
  String ns(int i) {
    return prefix + "-" + ids.apply(i);
  }

  String ip(int i) {
    return "10.88." + subnet + "." + (i + 1);
  }

  /** Node {@code i}'s Raft (and client) address. */
  String address(int i) {
    return ip(i) + ":" + RAFT_PORT;
  }

  /** Claims the prefix, then creates the bridge, and per node its namespace, veth pair and empty input chain. */
  void create() throws IOException {
    NamespaceOwners.claim(prefix);
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

  /** Heals every link, then cuts exactly {@code links}, both directions. */
  void cutLinks(List<int[]> links) throws IOException {
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

  void healLinks() throws IOException {
    evidenceBase += droppedPackets();
    for (int i = 0; i < size; i++) {
      Sh.run("ip", "netns", "exec", ns(i), "nft", "flush", "chain", "inet", "qkv", "input");
    }
    cut.clear();
  }

  /** The links cut now (a copy). */
  List<int[]> cutLinks() {
    return new ArrayList<>(cut);
  }

  /** Packets dropped by cut links so far, healed ones included. */
  long droppedPacketsEver() {
    return evidenceBase + droppedPackets();
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

  /**
   * Opens a TCP connection across each of {@code links}, both directions, from inside the sender's
   * namespace. A cut link drops the SYN (counted by its rule), so the attempt times out: exit 124 of
   * {@code timeout}. Returns how many directed links were shown blocked.
   *
   * @throws IllegalStateException if a connection got through
   */
  long probe(List<int[]> links) throws IOException, InterruptedException {
    List<Process> probes = new ArrayList<>();
    List<String> names = new ArrayList<>();
    for (int[] l : links) {
      for (int[] d : List.of(l, new int[] {l[1], l[0]})) {
        probes.add(new ProcessBuilder("ip", "netns", "exec", ns(d[0]), "timeout", "2", "bash", "-c",
            "exec 3<>/dev/tcp/" + ip(d[1]) + "/" + RAFT_PORT).redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD).start());
        names.add(ids.apply(d[0]) + "->" + ids.apply(d[1]));
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

  /** Deletes the namespaces, links and bridge (best effort), then gives the prefix up. */
  void destroy() {
    for (int i = 0; i < size; i++) {
      Sh.tryRun("ip", "netns", "del", ns(i));
      Sh.tryRun("ip", "link", "del", prefix + "v" + (i + 1));
    }
    Sh.tryRun("ip", "link", "del", prefix + "br");
    NamespaceOwners.release(prefix);
  }
}
