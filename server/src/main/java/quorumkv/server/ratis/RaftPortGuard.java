package quorumkv.server.ratis;

import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import org.apache.ratis.grpc.server.GrpcServices;
import org.apache.ratis.proto.RaftProtos.RaftPeerRole;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.thirdparty.io.grpc.Grpc;
import org.apache.ratis.thirdparty.io.grpc.Metadata;
import org.apache.ratis.thirdparty.io.grpc.ServerCall;
import org.apache.ratis.thirdparty.io.grpc.ServerCallHandler;
import org.apache.ratis.thirdparty.io.grpc.ServerInterceptor;
import org.apache.ratis.thirdparty.io.grpc.Status;
import org.apache.ratis.thirdparty.io.grpc.netty.NettyServerBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import quorumkv.server.config.PeerSpec;
import quorumkv.server.config.ServerConfig;
import quorumkv.server.tls.CertificateIdentity;

/**
 * Installed on the Raft port through Ratis's services customizer: every call is checked against
 * {@link RaftPortPolicy} on the caller's verified certificate before Ratis sees it. A denied call ends
 * with PERMISSION_DENIED (Ratis never handles it); a call without a verified certificate (impossible
 * with mutual TLS, which the handshake enforces) with UNAUTHENTICATED. Each distinct denial is logged once
 * as a warning; all are counted.
 */
final class RaftPortGuard implements GrpcServices.Customizer, ServerInterceptor {
  private static final Logger LOG = LoggerFactory.getLogger(RaftPortGuard.class);
  private static final int MAX_LOGGED = 1_000;

  private final String nodeId;
  private final RaftPortPolicy policy;
  private final AtomicLong denied = new AtomicLong();
  private final Set<String> logged = ConcurrentHashMap.newKeySet();

  RaftPortGuard(String nodeId, RaftPortPolicy policy) {
    this.nodeId = nodeId;
    this.policy = policy;
  }

  /**
   * The guard of a node's Raft port: members are those in its member's configuration now (voters and
   * listeners, old and new during a change; nobody while the member is stopped).
   */
  static RaftPortGuard forNode(ServerConfig config, Supplier<RaftServer.Division> division) {
    Predicate<String> isMember = id -> {
      RaftServer.Division d = division.get();
      if (d == null) {
        return false;
      }
      RaftPeerId peer = RaftPeerId.valueOf(id);
      var conf = d.getRaftConf();
      return conf.getAllPeers().stream().anyMatch(p -> p.getId().equals(peer))
          || conf.getAllPeers(RaftPeerRole.LISTENER).stream().anyMatch(p -> p.getId().equals(peer));
    };
    Set<String> peers = config.peers().stream().map(PeerSpec::id).collect(Collectors.toSet());
    return new RaftPortGuard(config.nodeId(), new RaftPortPolicy(isMember, peers, Set.copyOf(config.tls().admins())));
  }

  @Override
  public NettyServerBuilder customize(NettyServerBuilder builder, EnumSet<GrpcServices.Type> types) {
    return builder.intercept(this);
  }

  /** Calls refused so far. */
  long denied() {
    return denied.get();
  }

  @Override
  public <Q, A> ServerCall.Listener<Q> interceptCall(ServerCall<Q, A> call, Metadata headers,
      ServerCallHandler<Q, A> next) {
    String service = call.getMethodDescriptor().getServiceName();
    String method = call.getMethodDescriptor().getBareMethodName();
    CertificateIdentity caller = caller(call.getAttributes().get(Grpc.TRANSPORT_ATTR_SSL_SESSION));
    String denial = caller == null ? "no verified client certificate"
        : policy.denial(service, method, caller);
    if (denial == null) {
      return next.startCall(call, headers);
    }
    denied.incrementAndGet();
    if (logged.size() < MAX_LOGGED && logged.add(service + "/" + method + "/" + caller)) {
      LOG.warn("node={}: refused a call on the Raft port from {}: {}", nodeId, call.getAttributes()
          .get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR), denial);
    }
    call.close((caller == null ? Status.UNAUTHENTICATED : Status.PERMISSION_DENIED).withDescription(denial),
        new Metadata());
    return new ServerCall.Listener<>() {};
  }

  private static CertificateIdentity caller(SSLSession session) {
    if (session == null) {
      return null;
    }
    try {
      Certificate[] chain = session.getPeerCertificates();
      return chain.length > 0 && chain[0] instanceof X509Certificate leaf ? CertificateIdentity.of(leaf) : null;
    } catch (SSLPeerUnverifiedException e) {
      return null;
    }
  }
}
