package quorumkv.client;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import quorumkv.raftlog.command.ClusterIds;
import quorumkv.raftlog.command.RequestLimits;

/**
 * Immutable client settings; build with {@link #builder()}.
 *
 * @param addresses "host:port" of any subset of the cluster's nodes (their Raft address); the client
 *     learns the rest of the group from them. Give more than one: a client that knows only one node
 *     cannot find the others while that node is down.
 * @param clusterId the cluster's id; the Raft group id is derived from it ({@link ClusterIds#groupId})
 * @param deadline how long one call may take in total, all retries included (default
 *     {@link #DEFAULT_DEADLINE}). A write still unconfirmed when it runs out fails with
 *     {@link KvIndeterminateException} if it may have been appended, else {@link KvUnavailableException}.
 * @param rpcTimeout how long one attempt may wait for its reply before the client tries again, possibly
 *     elsewhere (default {@link #DEFAULT_RPC_TIMEOUT}). Shorter detects a hung leader sooner; too short
 *     gives up on slow but healthy commits and turns them into retries.
 * @param backoffBase first pause between attempts (default {@link #DEFAULT_BACKOFF_BASE}); doubled per
 *     retry up to {@code backoffMax}, each pause drawn uniformly from its upper half (jitter), so
 *     clients that failed together do not retry together
 * @param backoffMax longest pause between attempts (default {@link #DEFAULT_BACKOFF_MAX}): while the
 *     nodes elect a leader the client keeps asking, so it finds the new leader at most about this long
 *     after its election (a longer pause is added to every failover)
 * @param hedgeAfter how long a write waits for the node it believes leads before also asking another
 *     node (default {@link #DEFAULT_HEDGE_AFTER}; {@link Duration#ZERO}: never). A node that follows a
 *     newly elected leader names it, and the write goes there at once, so a frozen leader (a paused
 *     process, a host that stopped answering) costs the election, not the whole {@code rpcTimeout}; a
 *     follower that still names the silent node changes nothing. The question is the write itself, which
 *     a follower refuses unread, so it never adds a log entry; a write stays exactly-once either way
 * @param limits request size limits checked before sending, so an oversized request is rejected
 *     without a round trip; keep them equal to the cluster's (default {@link RequestLimits#DEFAULTS})
 * @param writeBatching how single-key writes (put, delete, compare-and-set, put-if-absent) of concurrent
 *     calls share Raft log entries (default {@link WriteBatching#DEFAULT}; {@link WriteBatching#OFF}: one
 *     entry per call)
 * @param tls the CA bundle to trust and this client's certificate and key (mutual TLS to every node), or
 *     {@link Tls#PLAINTEXT} for a cluster that runs without TLS
 * @param serverGroupCommit send writes to the nodes' write service, where the leader combines the writes of
 *     every client waiting at that moment into one Raft log entry (default {@link #DEFAULT_SERVER_GROUP_COMMIT}):
 *     independent clients, each with few writes in flight, then share entries as one client's batched writes
 *     do. Each write keeps this client's session and call id, so it stays exactly-once; false: each write call
 *     is a Raft client request of its own, one entry each. Falls back to that by itself against nodes without
 *     the service
 * @param readBatching how concurrent linearizable gets of this client share read requests (default
 *     {@link ReadBatching#DEFAULT}; {@link ReadBatching#OFF}: one request per get)
 */
public record KvClientConfig(List<String> addresses, String clusterId, Duration deadline, Duration rpcTimeout,
    Duration backoffBase, Duration backoffMax, Duration hedgeAfter, RequestLimits limits, WriteBatching writeBatching,
    Tls tls, boolean serverGroupCommit, ReadBatching readBatching) {

  /** Writes go through the nodes' write service (server-side group commit) unless a client says otherwise. */
  public static final boolean DEFAULT_SERVER_GROUP_COMMIT = true;

  /**
   * Mutual TLS to the nodes: the CA bundle the nodes' certificates must chain to (each node's certificate
   * must hold the address this client dials), and this client's certificate and key (PEM; the key unencrypted
   * PKCS#8), whose common name is the identity the cluster knows it by. The files are re-read when they
   * change (every {@code reloadEvery}): new connections use a rotated certificate, open ones keep theirs.
   */
  public record Tls(Path caFile, Path certFile, Path keyFile, List<String> protocols, Duration reloadEvery) {
    /** No TLS: only for a cluster started with {@code quorumkv.insecure-plaintext=true}. */
    public static final Tls PLAINTEXT = new Tls(null, null, null, List.of(), Duration.ofSeconds(5));

    public Tls {
      protocols = List.copyOf(protocols);
      if ((caFile == null) != (certFile == null) || (caFile == null) != (keyFile == null)) {
        throw new IllegalArgumentException("TLS needs the CA bundle, the certificate and the key together");
      }
      positive(reloadEvery, "reloadEvery");
    }

    /** TLS 1.3 with the given files, checked for rotation every 5 s. */
    public static Tls of(Path caFile, Path certFile, Path keyFile) {
      return new Tls(caFile, certFile, keyFile, List.of("TLSv1.3"), Duration.ofSeconds(5));
    }

    public boolean enabled() {
      return caFile != null;
    }
  }

  /**
   * Group commit for writes: while {@code inFlight} batches of this client are waiting for their commit,
   * further single-key writes queue, and the next batch takes up to {@code maxWrites} of them (never two
   * on the same key, within the request size limits) into one log entry. Each write keeps its own result
   * and exceptions; writes of one batch share a revision, as the keys of one transaction do. A write
   * waits in the queue at most until an earlier batch finishes, so batching costs latency only when the
   * client already has {@code inFlight} batches outstanding.
   *
   * @param maxWrites most writes in one log entry (never more than {@code limits.maxOperations()}, which
   *     caps it); 1 turns batching off
   * @param inFlight batches this client sends before queueing
   */
  public record WriteBatching(int maxWrites, int inFlight) {
    public static final WriteBatching DEFAULT = new WriteBatching(64, 2);
    public static final WriteBatching OFF = new WriteBatching(1, Integer.MAX_VALUE);

    public WriteBatching {
      if (maxWrites < 1 || inFlight < 1) {
        throw new IllegalArgumentException("write batching needs maxWrites >= 1 and inFlight >= 1, got "
            + maxWrites + " and " + inFlight);
      }
    }

    public boolean enabled() {
      return maxWrites > 1;
    }
  }

  /**
   * Read coalescing: while {@code inFlight} read calls of this client are outstanding, further linearizable
   * gets queue, and the next call carries up to {@code maxReads} of them in one read request: one round trip
   * and one ReadIndex confirmation for all, each get with its own result. Still linearizable: a queued get
   * is sent, and its read index taken, after it was invoked. Scans, follower reads and reads pinned to a
   * replica always go alone.
   *
   * @param maxReads most gets in one request (capped by {@code limits.maxOperations()}); 1 turns it off
   * @param inFlight read calls this client sends before queueing
   */
  public record ReadBatching(int maxReads, int inFlight) {
    public static final ReadBatching DEFAULT = new ReadBatching(64, 2);
    public static final ReadBatching OFF = new ReadBatching(1, Integer.MAX_VALUE);

    public ReadBatching {
      if (maxReads < 1 || inFlight < 1) {
        throw new IllegalArgumentException("read batching needs maxReads >= 1 and inFlight >= 1, got "
            + maxReads + " and " + inFlight);
      }
    }

    public boolean enabled() {
      return maxReads > 1;
    }
  }

  /** Long enough to ride out a leader election (about a second here) several times over. */
  public static final Duration DEFAULT_DEADLINE = Duration.ofSeconds(10);
  /** Ratis's own default is 3 s; 2 s leaves room for several attempts within the default deadline. */
  public static final Duration DEFAULT_RPC_TIMEOUT = Duration.ofSeconds(2);
  public static final Duration DEFAULT_BACKOFF_BASE = Duration.ofMillis(25);
  /**
   * Was 500 ms: in a kill -9 of the leader traced here (node and client logs), the client's write reached
   * the new leader about half a second after its election. A pause this short costs one refused RPC per
   * waiting call every 0.1-0.2 s while no leader exists.
   */
  public static final Duration DEFAULT_BACKOFF_MAX = Duration.ofMillis(200);
  /** Well above a healthy write's latency here (p99 under 80 ms at 64 in flight), well below an election. */
  public static final Duration DEFAULT_HEDGE_AFTER = Duration.ofMillis(250);

  public KvClientConfig {
    addresses = List.copyOf(Objects.requireNonNull(addresses, "addresses"));
    if (addresses.isEmpty()) {
      throw new IllegalArgumentException("at least one address is needed");
    }
    for (String a : addresses) {
      checkAddress(a);
    }
    if (clusterId == null || clusterId.isBlank()) {
      throw new IllegalArgumentException("cluster id must not be blank");
    }
    positive(deadline, "deadline");
    positive(rpcTimeout, "rpcTimeout");
    positive(backoffBase, "backoffBase");
    positive(backoffMax, "backoffMax");
    if (hedgeAfter == null || hedgeAfter.isNegative()) {
      throw new IllegalArgumentException("hedgeAfter must be zero (never) or positive, got " + hedgeAfter);
    }
    if (backoffBase.compareTo(backoffMax) > 0) {
      throw new IllegalArgumentException("backoffBase " + backoffBase + " exceeds backoffMax " + backoffMax);
    }
    Objects.requireNonNull(limits, "limits");
    Objects.requireNonNull(writeBatching, "writeBatching");
    Objects.requireNonNull(readBatching, "readBatching");
    Objects.requireNonNull(tls, "tls");
  }

  public static Builder builder() {
    return new Builder();
  }

  /** A builder starting from this config. */
  public Builder toBuilder() {
    return new Builder().addresses(addresses).clusterId(clusterId).deadline(deadline).rpcTimeout(rpcTimeout)
        .backoff(backoffBase, backoffMax).hedgeAfter(hedgeAfter).limits(limits).writeBatching(writeBatching).tls(tls)
        .serverGroupCommit(serverGroupCommit).readBatching(readBatching);
  }

  private static void checkAddress(String address) {
    int colon = address == null ? -1 : address.lastIndexOf(':');
    if (colon <= 0 || colon == address.length() - 1) {
      throw new IllegalArgumentException("address must be host:port, got " + address);
    }
    try {
      int port = Integer.parseInt(address.substring(colon + 1));
      if (port < 1 || port > 65535) {
        throw new IllegalArgumentException("port out of range in " + address);
      }
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("address must be host:port, got " + address, e);
    }
  }

  private static void positive(Duration d, String name) {
    if (d == null || d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(name + " must be positive, got " + d);
    }
  }

  /** Collects settings; {@link #build()} validates them. */
  public static final class Builder {
    private final List<String> addresses = new ArrayList<>();
    private String clusterId = ClusterIds.DEFAULT_CLUSTER_ID;
    private Duration deadline = DEFAULT_DEADLINE;
    private Duration rpcTimeout = DEFAULT_RPC_TIMEOUT;
    private Duration backoffBase = DEFAULT_BACKOFF_BASE;
    private Duration backoffMax = DEFAULT_BACKOFF_MAX;
    private Duration hedgeAfter = DEFAULT_HEDGE_AFTER;
    private RequestLimits limits = RequestLimits.DEFAULTS;
    private WriteBatching writeBatching = WriteBatching.DEFAULT;
    private Tls tls = Tls.PLAINTEXT;
    private boolean serverGroupCommit = DEFAULT_SERVER_GROUP_COMMIT;
    private ReadBatching readBatching = ReadBatching.DEFAULT;

    private Builder() {}

    public Builder addresses(String... addresses) {
      return addresses(Arrays.asList(addresses));
    }

    /** Replaces the address list. */
    public Builder addresses(List<String> addresses) {
      this.addresses.clear();
      this.addresses.addAll(addresses);
      return this;
    }

    public Builder clusterId(String clusterId) {
      this.clusterId = clusterId;
      return this;
    }

    public Builder deadline(Duration deadline) {
      this.deadline = deadline;
      return this;
    }

    public Builder rpcTimeout(Duration rpcTimeout) {
      this.rpcTimeout = rpcTimeout;
      return this;
    }

    public Builder backoff(Duration base, Duration max) {
      this.backoffBase = base;
      this.backoffMax = max;
      return this;
    }

    /** See {@link KvClientConfig#hedgeAfter()}; {@link Duration#ZERO} turns hedging off. */
    public Builder hedgeAfter(Duration hedgeAfter) {
      this.hedgeAfter = hedgeAfter;
      return this;
    }

    public Builder limits(RequestLimits limits) {
      this.limits = limits;
      return this;
    }

    public Builder writeBatching(WriteBatching writeBatching) {
      this.writeBatching = writeBatching;
      return this;
    }

    /** Mutual TLS to the nodes (see {@link Tls}); default {@link Tls#PLAINTEXT}. */
    public Builder tls(Tls tls) {
      this.tls = tls;
      return this;
    }

    /** See {@link KvClientConfig#readBatching()}. */
    public Builder readBatching(ReadBatching readBatching) {
      this.readBatching = readBatching;
      return this;
    }

    /** See {@link KvClientConfig#serverGroupCommit()}. */
    public Builder serverGroupCommit(boolean serverGroupCommit) {
      this.serverGroupCommit = serverGroupCommit;
      return this;
    }

    public KvClientConfig build() {
      return new KvClientConfig(addresses, clusterId, deadline, rpcTimeout, backoffBase, backoffMax, hedgeAfter,
          limits, writeBatching, tls, serverGroupCommit, readBatching);
    }
  }
}
