package quorumkv.linearizability.cluster;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.ratis.util.CodeInjectionForTesting;

/**
 * Cuts server-to-server links between in-process nodes, per ordered pair, through the injection points
 * Ratis itself has for tests ({@link CodeInjectionForTesting}, as its BlockRequestHandlingInjection uses):
 * a request vote, append entries (heartbeats included) or install snapshot from a cut peer is held until
 * the link heals or {@link #MAX_HOLD_MILLIS} pass, then fails — a blackholed link, as a dead switch port
 * would behave. One JVM holds one firewall (Ratis's registry is static).
 *
 * <p>Why not per-link TCP proxies: Ratis replicates peer addresses in configuration log entries, so every
 * node ends up with the same address for a peer; a proxy cannot tell which peer a connection comes from.
 */
final class LinkFirewall implements CodeInjectionForTesting.Code {
  /** Longer than an election timeout, shorter than any client deadline. */
  static final long MAX_HOLD_MILLIS = 3_000;
  private static final String[] POINTS = {
      "RaftServerImpl.requestVote", "RaftServerImpl.appendEntries", "RaftServerImpl.installSnapshot"};
  private static final LinkFirewall INSTANCE = new LinkFirewall();

  /** Cut links as "from->to" (the requesting peer, then the receiving peer). */
  private final Set<String> cut = ConcurrentHashMap.newKeySet();
  private volatile long heldRequests;

  private LinkFirewall() {}

  /** The JVM's firewall, installed into Ratis's injection points. */
  public static synchronized LinkFirewall install() {
    for (String point : POINTS) {
      CodeInjectionForTesting.put(point, INSTANCE);
    }
    return INSTANCE;
  }

  /** Cuts both directions between {@code a} and {@code b}. */
  public void cut(String a, String b) {
    cut.add(a + "->" + b);
    cut.add(b + "->" + a);
  }

  public boolean isCut(String from, String to) {
    return cut.contains(from + "->" + to);
  }

  public void healAll() {
    cut.clear();
  }

  /** How many requests the firewall has held so far: evidence that a partition bit. */
  public long heldRequests() {
    return heldRequests;
  }

  @Override
  public boolean execute(Object localId, Object remoteId, Object... args) {
    if (localId == null || remoteId == null) {
      return false;
    }
    String from = remoteId.toString();
    String to = localId.toString();
    if (!isCut(from, to)) {
      return false;
    }
    heldRequests++;
    long until = System.currentTimeMillis() + MAX_HOLD_MILLIS;
    while (isCut(from, to) && System.currentTimeMillis() < until) {
      try {
        Thread.sleep(10);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    if (isCut(from, to)) {
      throw new IllegalStateException("link " + from + "->" + to + " is partitioned");
    }
    return true;
  }
}
