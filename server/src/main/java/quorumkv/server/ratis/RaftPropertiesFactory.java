package quorumkv.server.ratis;

import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.conf.Parameters;
import org.apache.ratis.grpc.GrpcConfigKeys;
import org.apache.ratis.grpc.GrpcTlsConfig;
import org.apache.ratis.grpc.server.GrpcServices;
import org.apache.ratis.proto.RaftProtos.RaftPeerRole;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.server.RaftServerConfigKeys;
import org.apache.ratis.util.SizeInBytes;
import org.apache.ratis.util.TimeDuration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import quorumkv.server.config.PeerSpec;
import quorumkv.server.config.ServerConfig;
import quorumkv.server.tls.NodeTls;

/**
 * The only place where our settings become Ratis {@link RaftProperties}; nothing else writes raw Ratis
 * keys (RaftServerConfigKeys' typed setters are safe only if nobody else writes the string map).
 */
public final class RaftPropertiesFactory {
  private static final Logger LOG = LoggerFactory.getLogger(RaftPropertiesFactory.class);

  /** How long every node keeps an entry's reply for a retry of the same Ratis call. */
  static final long RETRY_CACHE_EXPIRY_SECONDS = 10;
  /** The leader's log appender's pauses per failed attempt: count at each pause (see below). */
  static final String APPENDER_RETRY_POLICY = "1ms,10, 100ms,1200, 500ms,2000000000";

  private RaftPropertiesFactory() {}

  public static RaftProperties create(ServerConfig config) {
    RaftProperties p = new RaftProperties();
    var raft = config.raft();
    RaftServerConfigKeys.setStorageDir(p, List.of(config.raftDir().toFile()));
    GrpcConfigKeys.Server.setPort(p, config.bindPort());
    if (!raft.bindHost().isEmpty()) {
      GrpcConfigKeys.Server.setHost(p, raft.bindHost());
    }

    // Linearizable reads: ReadIndex. The DEFAULT option lets a deposed leader answer from stale state.
    RaftServerConfigKeys.Read.setOption(p, RaftServerConfigKeys.Read.Option.LINEARIZABLE);
    RaftServerConfigKeys.Read.setLeaderLeaseEnabled(p, raft.leaderLeaseReads());

    RaftServerConfigKeys.Rpc.setTimeoutMin(p, millis(raft.electionTimeoutMin().toMillis()));
    RaftServerConfigKeys.Rpc.setTimeoutMax(p, millis(raft.electionTimeoutMax().toMillis()));
    // A leader that steps down for lost majority heartbeats may not campaign for this long (Ratis default
    // 10 s). When the returning followers' logs are shorter than its own, only it can win, so the default
    // left the cluster leaderless for 10 s (ThreeNodeClusterIT.deposedLeaderLeadsAgainSoonAfterAFollowerReturns).
    // Pre-vote already keeps a deposed leader from disrupting a healthy one. Ratis's JVM pause monitor also
    // steps a leader down after a pause longer than this: after one election timeout a successor may exist.
    RaftServerConfigKeys.LeaderElection.setLeaderStepDownWaitTime(p, millis(raft.electionTimeoutMax().toMillis()));
    RaftServerConfigKeys.LeaderElection.setPreVote(p, true);   // Ratis's default; the line above relies on it

    // Snapshots bound the log: take one every N entries, purge the log behind it.
    RaftServerConfigKeys.Snapshot.setAutoTriggerEnabled(p, true);
    RaftServerConfigKeys.Snapshot.setAutoTriggerThreshold(p, raft.snapshotEveryEntries());
    RaftServerConfigKeys.Snapshot.setCreationGap(p, Math.min(1024, raft.snapshotEveryEntries()));
    RaftServerConfigKeys.Snapshot.setRetentionFileNum(p, 2);
    RaftServerConfigKeys.Log.setPurgeUptoSnapshotIndex(p, true);
    RaftServerConfigKeys.Log.setPurgeGap(p, raft.purgeGap());
    // Pending writes on the leader, from every client port and the HTTP API together: the same byte budget
    // as the HTTP API's (at least four of the largest requests); beyond it Ratis refuses with
    // ResourceUnavailableException, which clients retry with backoff. Ratis's default is 64 MB.
    RaftServerConfigKeys.Write.setByteLimit(p, SizeInBytes.valueOf(
        Math.max(config.http().maxInflightBytes(), 4L * config.limits().maxRequestBytes())));
    RaftServerConfigKeys.Log.setSegmentSizeMax(p, SizeInBytes.valueOf(raft.segmentSizeBytes()));
    // Off by default: with it, every commit advance appends one more entry (fsynced on every node and
    // replicated), which at one write in flight doubles the entries per write. The commit index is
    // volatile state in Raft: a restarted node learns it from the next leader, and our store keeps its
    // own applied index, so nothing applied is lost or applied twice without it (restart tests).
    RaftServerConfigKeys.Log.setLogMetadataEnabled(p, raft.commitMetadata());

    // A write is acknowledged only after its entry is fsynced on a majority. Unsafe flush weakens that.
    if (raft.unsafeFlush()) {
      LOG.warn("!!! {}=true: writes are acknowledged BEFORE they are fsynced; a crash can lose acknowledged"
          + " writes. Development only. !!!", quorumkv.server.config.ConfigKeys.UNSAFE_FLUSH);
    }
    RaftServerConfigKeys.Log.setUnsafeFlushEnabled(p, raft.unsafeFlush());
    // Async flush stays off (Ratis's default): in Ratis 3.3.0, when a background force() returns, the log
    // worker's flush index jumps to the last entry written by then, including entries written while the
    // force() ran, so a node could acknowledge an entry no fsync covered (docs/performance.md, issue 16).
    RaftServerConfigKeys.Log.setAsyncFlushEnabled(p, false);

    // A snapshot sent to a follower that is down (or restarting) fails chunk by chunk: the leader's appender
    // waits this long per chunk for up to 8 outstanding chunks (Ratis multiplies the two) before it gives up
    // and tries again. Ratis's default, the 3 s RPC timeout, kept a restarted follower without its snapshot
    // for 24 s (OperatorCallsDuringSnapshotInstallIT); 1 s makes that 8 s and still gives a healthy
    // follower 8 s per 16 MB chunk.
    GrpcConfigKeys.Server.setInstallSnapshotRequestTimeout(p, TimeDuration.valueOf(1, TimeUnit.SECONDS));

    // After a follower's outage the leader's log appender pauses before each retry, for a time that grows
    // with its count of failed attempts and that the follower's return does not cut short (a refused
    // connection counts twice, the heartbeat stream too, and so does the returning follower's first
    // INCONSISTENCY reply). Ratis's default, "1ms,10, 1s,20, 5s,1000", reaches 1 s after ten failures and
    // 5 s after thirty: a follower back from a 15 s outage waited seconds for the entries it missed, one
    // copy short all that time (FollowerReturnIT, issue 16). Here: 100 ms (drawn from 50-150 ms) for about
    // the first minute, 500 ms after that, which costs a down follower's leader at most ten failed
    // connection attempts a second. The last tier never runs out: past it Ratis would not pause at all.
    RaftServerConfigKeys.Log.Appender.setRetryPolicy(p, APPENDER_RETRY_POLICY);

    // Ratis's in-memory retry cache answers a retry of a call still in flight without a second entry.
    // Exactly-once does not rest on it: client sessions in the replicated state answer any retry, in
    // flight or not, after restarts and snapshot installs too. Every node keeps every entry's reply for the
    // expiry time, so it bounds heap: at 120 s the replies of a 64-client put run (each with the previous
    // value) held 231 MB of a 512 MB heap on every node (issue 16, a heap dump). 10 s spans a client's
    // attempts with their backoff; an older retry gets a log entry that applies as a no-op.
    RaftServerConfigKeys.RetryCache.setExpiryTime(p, TimeDuration.valueOf(RETRY_CACHE_EXPIRY_SECONDS, TimeUnit.SECONDS));
    return p;
  }

  /** The properties of the node's own small Ratis clients (its no-space alarm): a 3 s request timeout. */
  static RaftProperties forNodeClient() {
    RaftProperties p = new RaftProperties();
    org.apache.ratis.client.RaftClientConfigKeys.Rpc.setRequestTimeout(p, TimeDuration.valueOf(3, TimeUnit.SECONDS));
    return p;
  }

  private static TimeDuration millis(long ms) {
    return TimeDuration.valueOf(ms, TimeUnit.MILLISECONDS);
  }

  /**
   * The Ratis parameters of this node's server and of the Raft clients it runs itself (alarms, rejoin):
   * with TLS, one mutual-TLS configuration for everything on the Raft port and every channel the node
   * dials. Ratis uses its server configuration both for the port and for the channels to peers, so the
   * node's certificate serves and dials (serverAuth and clientAuth), dialed servers are checked with host
   * names, callers by their chain. {@code customizer} adds the watch service to the port and, with TLS, the
   * guard that checks every call on it (the Raft clients ignore it).
   */
  static Parameters parameters(NodeTls tls, GrpcServices.Customizer customizer) {
    Parameters p = new Parameters();
    if (tls != null) {
      GrpcConfigKeys.TLS.setConf(p, grpcTls(tls));
    }
    GrpcConfigKeys.Server.setServicesCustomizer(p, customizer);
    return p;
  }

  static GrpcTlsConfig grpcTls(NodeTls tls) {
    GrpcTlsConfig.Builder b = GrpcTlsConfig.newBuilder()
        .setKeyManager(tls.files().keyManager())
        .setTrustManager(tls.files().twoWayTrustManager())
        .setMutualTls(true)
        .setProtocols(tls.protocols());
    if (tls.protocols().contains("TLSv1.2")) {
      b.setCipherSuites(tls.cipherSuites()); // BoringSSL's TLS 1.3 suites are fixed; this limits TLS 1.2's
    }
    return b.build();
  }

  /** The Raft group of {@code config}'s peers (listeners with Ratis's listener startup role). */
  static RaftGroup group(RaftGroupId groupId, ServerConfig config) {
    return RaftGroup.valueOf(groupId, config.peers().stream().map(p -> RaftPeer.newBuilder()
        .setId(p.id())
        .setAddress(p.address())
        .setStartupRole(p.role() == PeerSpec.Role.LISTENER ? RaftPeerRole.LISTENER : RaftPeerRole.FOLLOWER)
        .build()).toList());
  }
}
