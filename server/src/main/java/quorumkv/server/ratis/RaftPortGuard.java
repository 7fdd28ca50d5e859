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
import org.apache.ratis.proto.RaftProtos.RaftClientRequestProto;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;
import org.apache.ratis.thirdparty.com.google.protobuf.UnsafeByteOperations;
import org.apache.ratis.thirdparty.io.grpc.ForwardingServerCallListener;
import org.apache.ratis.thirdparty.io.grpc.Grpc;
import org.apache.ratis.thirdparty.io.grpc.Metadata;
import org.apache.ratis.thirdparty.io.grpc.ServerCall;
import org.apache.ratis.thirdparty.io.grpc.ServerCallHandler;
import org.apache.ratis.thirdparty.io.grpc.ServerInterceptor;
import org.apache.ratis.thirdparty.io.grpc.Status;
import org.apache.ratis.thirdparty.io.grpc.netty.NettyServerBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import quorumkv.raftlog.command.AuthState;
import quorumkv.raftlog.command.Caller;
import quorumkv.raftlog.command.RequestCodec;
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
  static RaftPortGuard forNode(ServerConfig config, Supplier<RaftServer.Division> division,
      Supplier<AuthState> auth) {
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
    Predicate<String> replicatedAdmin = name -> {
      AuthState state = auth.get();
      return !state.enabled() || state.isAdmin(name);
    };
    return new RaftPortGuard(config.nodeId(), new RaftPortPolicy(isMember, peers, Set.copyOf(config.tls().admins()),
        replicatedAdmin));
  }

  @Override
  public NettyServerBuilder customize(NettyServerBuilder builder, EnumSet<GrpcServices.Type> types) {
    return builder.intercept(this);
  }

  /** The Raft port's extra services and, with TLS, this guard over every service on it. */
  static GrpcServices.Customizer withServices(RaftPortGuard guard,
      org.apache.ratis.thirdparty.io.grpc.ServerServiceDefinition... services) {
    return (builder, types) -> {
      for (var s : services) {
        builder.addService(s);
      }
      return guard == null ? builder : builder.intercept(guard);
    };
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
    if (denial == null && (quorumkv.raftlog.command.WatchMessage.SERVICE.equals(service)
        || quorumkv.raftlog.command.GroupWrite.SERVICE.equals(service))) {
      // The watch hub judges each watch on the caller's grants, and the write service sends each write in an
      // envelope naming its caller: hand them the verified caller.
      Caller onBehalfOf = policy.onBehalfOf(caller);
      var key = quorumkv.raftlog.command.WatchMessage.SERVICE.equals(service)
          ? quorumkv.server.watch.WatchService.CALLER : quorumkv.server.group.WriteService.CALLER;
      return onBehalfOf == null ? next.startCall(call, headers) : org.apache.ratis.thirdparty.io.grpc.Contexts
          .interceptCall(org.apache.ratis.thirdparty.io.grpc.Context.current().withValue(key, onBehalfOf), call,
              headers, next);
    }
    if (denial == null) {
      ServerCall.Listener<Q> listener = next.startCall(call, headers);
      Caller onBehalfOf = RaftPortPolicy.CLIENT_SERVICE.equals(service) ? policy.onBehalfOf(caller) : null;
      return onBehalfOf == null ? listener : new ActingFor<>(listener, call, onBehalfOf);
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

  /**
   * Wraps each request of a non-member's client call in an envelope naming the caller, so the state machine
   * authorizes it against the caller's grants (after the read-index wait for reads, when the entry applies
   * for writes). Whatever the caller sent goes inside: an envelope of its own, or an alarm, does not decode
   * there and is refused as malformed, so a client can neither claim another identity nor raise an alarm.
   * Ratis's streaming request types, which our client never uses, end the call.
   */
  private final class ActingFor<Q, A> extends ForwardingServerCallListener.SimpleForwardingServerCallListener<Q> {
    private final ServerCall<Q, A> call;
    private final Caller caller;
    private volatile boolean refused;

    ActingFor(ServerCall.Listener<Q> delegate, ServerCall<Q, A> call, Caller caller) {
      super(delegate);
      this.call = call;
      this.caller = caller;
    }

    @Override
    @SuppressWarnings("unchecked")
    public void onMessage(Q message) {
      if (refused) {
        return;
      }
      if (!(message instanceof RaftClientRequestProto request)) {
        refuse("an unexpected message on the client service");
        return;
      }
      switch (request.getTypeCase()) {
        case WRITE, READ, STALEREAD -> {
          byte[] inner = request.getMessage().getContent().toByteArray();
          ByteString wrapped = UnsafeByteOperations.unsafeWrap(RequestCodec.asCaller(caller, inner));
          super.onMessage((Q) request.toBuilder().setMessage(request.getMessage().toBuilder().setContent(wrapped))
              .build());
        }
        case WATCH -> super.onMessage(message); // carries no data: waits for an index to replicate
        default -> refuse("Ratis " + request.getTypeCase() + " requests are for members only");
      }
    }

    private void refuse(String why) {
      refused = true;
      denied.incrementAndGet();
      if (logged.size() < MAX_LOGGED && logged.add("client/" + why + "/" + caller.identity())) {
        LOG.warn("node={}: refused a client call on the Raft port from '{}': {}", nodeId, caller.identity(), why);
      }
      call.close(Status.PERMISSION_DENIED.withDescription(why), new Metadata());
    }
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
