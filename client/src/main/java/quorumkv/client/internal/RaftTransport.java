package quorumkv.client.internal;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.client.RaftClientConfigKeys;
import org.apache.ratis.client.RaftClientRpc;
import org.apache.ratis.conf.Parameters;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.grpc.GrpcConfigKeys;
import org.apache.ratis.grpc.GrpcFactory;
import org.apache.ratis.grpc.GrpcTlsConfig;
import org.apache.ratis.proto.RaftProtos.RaftClientRequestProto;
import org.apache.ratis.proto.RaftProtos.ReplicationLevel;
import org.apache.ratis.protocol.ClientId;
import org.apache.ratis.protocol.GroupInfoReply;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientAsynchronousProtocol;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftClientRequest;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.protocol.SetConfigurationRequest;
import org.apache.ratis.protocol.TransferLeadershipRequest;
import org.apache.ratis.retry.RetryPolicies;
import org.apache.ratis.rpc.CallId;
import org.apache.ratis.util.TimeDuration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import quorumkv.client.KvClientConfig;
import quorumkv.client.tls.TlsFiles;
import quorumkv.raftlog.command.GroupWrite;
import quorumkv.raftlog.command.RequestRefusedException;
import quorumkv.raftlog.command.Response;
import quorumkv.raftlog.command.ResultCodec;

/**
 * Sends single Ratis RPCs: one attempt, one RPC, no retries inside Ratis. The retry loop, leader
 * tracking and deadlines live in {@link CallRunner}, which needs to see every failure to tell a
 * definite one from an indeterminate one.
 *
 * <p>Why not {@code RaftClient.async().send()}: its ordered sliding window is shared by every call of
 * the client. After an error it sends only the oldest request until that one is answered (one slow call
 * stalls all), and once any request exhausts its retry policy the window fails every later request and
 * stays closed (AlreadyClosedException). With a bounded policy, the first deadline that runs out during
 * an outage would break the client for everyone. Here each attempt goes on gRPC's unordered stream to a
 * named node, and calls do not affect each other. The request and reply are the same Ratis messages,
 * so the server sees an ordinary write, read or stale read.
 *
 * <p>Connections: after a failure that kills a node's stream (NotLeaderException and
 * LeaderNotReadyException end the whole stream in Ratis's gRPC client; a lost connection too), the
 * node's proxy is reset so the next attempt opens a fresh one, and so a restarted node is reached at
 * once instead of after gRPC's reconnect backoff. A generation number per node keeps concurrent
 * failures from resetting a proxy that a later attempt already uses. Should the RaftClient itself fail
 * in a way we do not recognise, it is replaced, with the same client id; sessions live above it.
 */
final class RaftTransport implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(RaftTransport.class);

  /**
   * Kinds of attempt; the server chooses the read path from the Ratis request type. WATCH waits on the
   * leader until the entry at {@code minIndex} is in the log of every voter (Ratis ALL; see Durability.ALL).
   */
  enum Kind { WRITE, LINEARIZABLE_READ, FOLLOWER_READ, WATCH }

  /** Where a node's own client reaches that node in process: its peer id and its Ratis server. */
  record Local(RaftPeerId id, RaftClientAsynchronousProtocol server) {}

  /** One sent RPC: its reply future, and the proxy generation it went out on. */
  record Sent(CompletableFuture<RaftClientReply> reply, long generation, long ratisCallId) {}

  private final ClientId clientId;
  private final RaftGroupId groupId;
  /** The client's TLS files (null: plaintext) and the Ratis parameters that carry them to every channel. */
  private final TlsFiles tlsFiles;
  private final Parameters parameters;
  private final RaftProperties properties;
  private final Set<RaftPeer> peers = ConcurrentHashMap.newKeySet();
  private final Map<RaftPeerId, AtomicLong> generations = new ConcurrentHashMap<>();
  /** Ratis call ids of answered writes, passed on so the leader can drop them from its retry cache. */
  private final ConcurrentLinkedQueue<Long> repliedCallIds = new ConcurrentLinkedQueue<>();
  /** Set for a node's own client: attempts to that node stay in process (see InProcessRpc). */
  private final Local local;
  private final Executor callbacks;
  /** Null when writes go as Raft client requests (configured so, or a node's own client). */
  private final GroupWrites groupWrites;
  private volatile RaftClient client;
  private volatile boolean closed;

  /** The TLS files this client's channels use, or null for plaintext (the watch channels use them too). */
  TlsFiles tlsFiles() {
    return tlsFiles;
  }

  RaftTransport(ClientId clientId, RaftGroupId groupId, Collection<RaftPeer> initialPeers, Duration rpcTimeout,
      Duration deadline, Local local, Executor callbacks, KvClientConfig.Tls tls, boolean serverGroupCommit) {
    this.clientId = clientId;
    this.tlsFiles = tls.enabled() ? TlsFiles.open(tls.caFile(), tls.certFile(), tls.keyFile(), tls.reloadEvery()) : null;
    this.parameters = new Parameters();
    if (tlsFiles != null) {
      // Mutual TLS on every channel, data and admin alike: nodes are checked with the host names dialed,
      // this client shows its certificate. Re-read when rotated (TlsFiles).
      GrpcConfigKeys.TLS.setConf(parameters, GrpcTlsConfig.newBuilder()
          .setKeyManager(tlsFiles.keyManager())
          .setTrustManager(tlsFiles.trustManager())
          .setMutualTls(true)
          .setProtocols(tls.protocols())
          .build());
    }
    this.groupId = groupId;
    this.local = local;
    this.callbacks = callbacks;
    this.properties = new RaftProperties();
    // Ratis's own per-request timer on the gRPC stream; CallRunner keeps a tighter one of its own.
    RaftClientConfigKeys.Rpc.setRequestTimeout(properties, TimeDuration.valueOf(rpcTimeout.toMillis(), TimeUnit.MILLISECONDS));
    // A watch waits as long as its call's deadline allows (CallRunner bounds it); Ratis's 10 s default
    // would otherwise end it first on a long deadline.
    RaftClientConfigKeys.Rpc.setWatchRequestTimeout(properties, TimeDuration.valueOf(deadline.toMillis(), TimeUnit.MILLISECONDS));
    this.peers.addAll(initialPeers);
    this.client = newClient();
    // A node's own client stays in process (InProcessRpc); its writes need no second queue on the node.
    this.groupWrites = serverGroupCommit && local == null ? new GroupWrites(tls.protocols(), rpcTimeout) : null;
  }

  private RaftClient newClient() {
    RaftClient.Builder b = RaftClient.newBuilder()
        .setClientId(clientId)
        .setRaftGroup(RaftGroup.valueOf(groupId, new ArrayList<>(peers)))
        .setProperties(properties)
        .setParameters(parameters)
        // Never used by our single RPCs; stated so that nothing in Ratis retries forever on our behalf.
        .setRetryPolicy(RetryPolicies.noRetry());
    if (local != null) {
      b.setClientRpc(new InProcessRpc(new GrpcFactory(parameters).newRaftClientRpc(clientId, properties),
          local, callbacks));
    }
    return b.build();
  }

  ClientId clientId() {
    return clientId;
  }

  /** Makes {@code newPeers} addressable (a member learnt from a node). */
  void addPeers(Collection<RaftPeer> newPeers) {
    peers.addAll(newPeers);
    client.getClientRpc().addRaftPeers(newPeers);
  }

  /** Sends one attempt to {@code target}; the future fails rather than throwing. */
  Sent send(Kind kind, Message message, RaftPeerId target, long minIndex) {
    long generation = generation(target).get();
    long callId = CallId.getAndIncrement();
    RaftClientRequest.Builder b = RaftClientRequest.newBuilder()
        .setClientId(clientId).setGroupId(groupId).setCallId(callId).setMessage(message);
    switch (kind) {
      case WRITE -> b.setLeaderId(target).setType(RaftClientRequest.writeRequestType())
          .setRepliedCallIds(drainReplied());
      case LINEARIZABLE_READ -> b.setLeaderId(target).setType(RaftClientRequest.readRequestType());
      case FOLLOWER_READ -> b.setServerId(target).setType(RaftClientRequest.staleReadRequestType(minIndex));
      case WATCH -> b.setLeaderId(target).setType(RaftClientRequest.watchRequestType(minIndex,
          ReplicationLevel.ALL));
      default -> throw new AssertionError(kind);
    }
    CompletableFuture<RaftClientReply> reply;
    RaftPeer peer = kind == Kind.WRITE && groupWrites != null && isWrite(message) ? peer(target) : null;
    if (closed) {
      reply = CompletableFuture.failedFuture(new IllegalStateException("transport closed"));
    } else if (peer != null && groupWrites.offers(peer)) {
      RaftClientRequest request = b.build();
      reply = groupWrites.send(peer, request, () -> client.getClientRpc().sendRequestAsyncUnordered(request));
    } else {
      try {
        reply = client.getClientRpc().sendRequestAsyncUnordered(b.build());
      } catch (RuntimeException e) {
        reply = CompletableFuture.failedFuture(e);
      }
    }
    return new Sent(reply, generation, callId);
  }

  /** A write of data (the write service takes nothing else: auth changes, for one, go as Raft requests). */
  private static boolean isWrite(Message message) {
    var content = message.getContent();
    return content.size() >= 2 && quorumkv.raftlog.command.RequestCodec.kindOf(content.substring(0, 2).toByteArray())
        == quorumkv.raftlog.command.RequestCodec.Kind.WRITE;
  }

  private RaftPeer peer(RaftPeerId id) {
    for (RaftPeer p : peers) {
      if (p.getId().equals(id)) {
        return p;
      }
    }
    return null;
  }

  void replied(Kind kind, long ratisCallId) {
    if (kind == Kind.WRITE) {
      repliedCallIds.add(ratisCallId);
    }
  }

  private List<Long> drainReplied() {
    List<Long> out = new ArrayList<>();
    for (Long id; out.size() < 256 && (id = repliedCallIds.poll()) != null; ) {
      out.add(id);
    }
    return out;
  }

  /** Opens a fresh connection to {@code target} unless an attempt after {@code generation} already did. */
  void reconnect(RaftPeerId target, long generation, Throwable cause) {
    if (!closed && generation(target).compareAndSet(generation, generation + 1)) {
      LOG.debug("reconnecting to {} after {}", target, cause.toString());
      client.getClientRpc().handleException(target, cause, true);
    }
  }

  /** Replaces the RaftClient (same client id) after a failure inside it that we do not recognise. */
  synchronized void rebuild(Throwable cause) {
    if (closed) {
      return;
    }
    LOG.warn("replacing the Ratis client {} after an unexpected failure", clientId, cause);
    RaftClient old = client;
    client = newClient();
    generations.values().forEach(AtomicLong::incrementAndGet);
    closeQuietly(old);
  }

  /** Asks {@code target} for the group's members and roles; blocking, bounded by the RPC timeout. */
  GroupInfoReply groupInfo(RaftPeerId target) throws IOException {
    return client.getGroupManagementApi(target).info(groupId);
  }

  /**
   * Sends one configuration change to {@code leader} and waits for its reply at most {@code timeout}
   * (the leader answers once the new configuration is committed, after catching new members up).
   * One RPC, no retries: {@link RatisAdmin} decides what to do next.
   */
  RaftClientReply setConfiguration(RaftPeerId leader, SetConfigurationRequest.Arguments args, TimeDuration timeout)
      throws IOException {
    try (RaftClient admin = adminClient(timeout)) {
      return admin.getClientRpc().sendRequest(
          new SetConfigurationRequest(admin.getId(), leader, groupId, CallId.getAndIncrement(), args));
    }
  }

  /** Asks {@code leader} to hand leadership to {@code newLeader} within {@code timeoutMs}; one RPC. */
  RaftClientReply transferLeadership(RaftPeerId leader, RaftPeerId newLeader, long timeoutMs) throws IOException {
    try (RaftClient admin = adminClient(TimeDuration.valueOf(timeoutMs + 2000, TimeUnit.MILLISECONDS))) {
      return admin.getClientRpc().sendRequest(new TransferLeadershipRequest(admin.getId(), leader, groupId,
          CallId.getAndIncrement(), newLeader, timeoutMs));
    }
  }

  /**
   * A short-lived RaftClient for one admin RPC, with its own request timeout (admin RPCs may take far
   * longer than a write) and its own client id (admin requests must not share the data path's retry
   * cache entries).
   */
  private RaftClient adminClient(TimeDuration timeout) {
    if (closed) {
      throw new IllegalStateException("transport closed");
    }
    RaftProperties p = new RaftProperties();
    RaftClientConfigKeys.Rpc.setRequestTimeout(p, timeout);
    return RaftClient.newBuilder()
        .setClientId(ClientId.randomId())
        .setRaftGroup(RaftGroup.valueOf(groupId, new ArrayList<>(peers)))
        .setProperties(p)
        .setParameters(parameters)
        .setRetryPolicy(RetryPolicies.noRetry())
        .build();
  }

  private AtomicLong generation(RaftPeerId target) {
    return generations.computeIfAbsent(target, t -> new AtomicLong());
  }

  @Override
  public synchronized void close() {
    closed = true;
    if (groupWrites != null) {
      groupWrites.close();
    }
    closeQuietly(client);
    if (tlsFiles != null) {
      tlsFiles.close();
    }
  }

  private static void closeQuietly(RaftClient c) {
    try {
      c.close();
    } catch (IOException | RuntimeException e) {
      LOG.debug("closing a Ratis client failed", e);
    }
  }

  /**
   * The Ratis client RPC of a client that runs inside a node: an attempt addressed to that node goes
   * straight to the node's Ratis server in the same process (no gRPC encoding, no loopback connection);
   * attempts to other nodes, and the blocking admin RPCs, go over gRPC as for any client. The node's HTTP
   * reads are served by the node itself, so without this each one made a gRPC round trip to its own process
   * (bin/bench-http, 16 in flight: about 4,500 gets/s that way, about 11,000 in process).
   *
   * <p>Replies and failures are the ones the server produces: the same types gRPC would deliver, so
   * {@link Failures} classifies them alike; a failure of the submission itself counts as a stream failure
   * there, which only errs on the safe side. Writes, watches and failures are handed to the client's
   * callback pool, so no Ratis thread (the apply thread completes writes) runs the client's retry logic or
   * the caller's code; a read's answer is decoded where it arrives (see ClientCore's blocking reads).
   */
  static final class InProcessRpc implements RaftClientRpc {
    private final RaftClientRpc grpc;
    private final Local local;
    private final Executor callbacks;

    InProcessRpc(RaftClientRpc grpc, Local local, Executor callbacks) {
      this.grpc = grpc;
      this.local = local;
      this.callbacks = callbacks;
    }

    @Override
    public CompletableFuture<RaftClientReply> sendRequestAsyncUnordered(RaftClientRequest request) {
      if (!local.id().equals(request.getServerId())) {
        return grpc.sendRequestAsyncUnordered(request);
      }
      CompletableFuture<RaftClientReply> submitted;
      try {
        submitted = local.server().submitClientRequestAsync(request);
      } catch (IOException | RuntimeException e) {
        submitted = CompletableFuture.failedFuture(e);
      }
      boolean read = request.is(RaftClientRequestProto.TypeCase.READ)
          || request.is(RaftClientRequestProto.TypeCase.STALEREAD);
      CompletableFuture<RaftClientReply> delivered = new CompletableFuture<>();
      submitted.whenComplete((reply, error) -> {
        if (read && error == null && reply.isSuccess()) {
          // Handled where it arrives: for a read's answer the client only decodes it (and completes a
          // blocked caller's future); a failure may make it reconnect or rebuild, not work for a Ratis thread.
          delivered.complete(reply);
          return;
        }
        Runnable deliver = () -> {
          if (error == null) {
            delivered.complete(reply);
          } else {
            delivered.completeExceptionally(error);
          }
        };
        try {
          callbacks.execute(deliver);
        } catch (RejectedExecutionException closing) {
          deliver.run();
        }
      });
      return delivered;
    }

    @Override
    public CompletableFuture<RaftClientReply> sendRequestAsync(RaftClientRequest request) {
      return grpc.sendRequestAsync(request);
    }

    @Override
    public RaftClientReply sendRequest(RaftClientRequest request) throws IOException {
      return grpc.sendRequest(request);
    }

    @Override
    public void addRaftPeers(Collection<RaftPeer> peers) {
      grpc.addRaftPeers(peers);
    }

    @Override
    public boolean handleException(RaftPeerId serverId, Throwable t, boolean reconnect) {
      return !local.id().equals(serverId) && grpc.handleException(serverId, t, reconnect);
    }

    @Override
    public boolean shouldReconnect(Throwable t) {
      return grpc.shouldReconnect(t);
    }

    @Override
    public void close() throws IOException {
      grpc.close();
    }
  }

  /**
   * Writes through the nodes' write service ({@link GroupWrite}), where the leader puts the writes of every
   * client waiting at that moment into one log entry. One unary gRPC call per attempt, on a channel per node
   * (with this client's TLS); the node's answer is turned into the Raft client reply the same attempt would
   * have got from Ratis (the applied response; a refusal as the state machine's exception; another leader
   * as NotLeaderException; and as the attempt's failure, a call for another cluster's group as
   * GroupMismatchException, an unknown outcome as an IOException, which may have applied), so
   * {@link CallRunner} and {@link Failures} treat both ways alike. A node without the service (an older
   * version) answers UNIMPLEMENTED before it reads the write: that attempt, and every later one to that
   * node, goes as a Raft client request instead.
   */
  private final class GroupWrites {
    private final List<String> protocols;
    private final long timeoutMillis;
    private final Map<String, org.apache.ratis.thirdparty.io.grpc.ManagedChannel> channels = new ConcurrentHashMap<>();
    private final Set<RaftPeerId> without = ConcurrentHashMap.newKeySet();

    GroupWrites(List<String> protocols, Duration rpcTimeout) {
      this.protocols = protocols;
      this.timeoutMillis = rpcTimeout.toMillis();
    }

    boolean offers(RaftPeer peer) {
      return !without.contains(peer.getId()) && peer.getAddress() != null;
    }

    CompletableFuture<RaftClientReply> send(RaftPeer peer, RaftClientRequest request,
        java.util.function.Supplier<CompletableFuture<RaftClientReply>> asRaftRequest) {
      CompletableFuture<RaftClientReply> reply = new CompletableFuture<>();
      org.apache.ratis.thirdparty.io.grpc.ClientCall<byte[], byte[]> call;
      try {
        call = channel(peer.getAddress()).newCall(SUBMIT, org.apache.ratis.thirdparty.io.grpc.CallOptions.DEFAULT
            .withDeadlineAfter(timeoutMillis, TimeUnit.MILLISECONDS));
      } catch (RuntimeException e) {
        return CompletableFuture.failedFuture(e);
      }
      byte[] write = GroupWrite.encodeCall(new GroupWrite.Call(groupId.getUuid(),
          request.getMessage().getContent().toByteArray()));
      org.apache.ratis.thirdparty.io.grpc.stub.ClientCalls.asyncUnaryCall(call, write,
          new org.apache.ratis.thirdparty.io.grpc.stub.StreamObserver<byte[]>() {
            @Override
            public void onNext(byte[] bytes) {
              try {
                GroupWrite.Reply answer = GroupWrite.decode(bytes);
                // Ratis replies carry only its own failure types; these two travel as the attempt's failure.
                if (answer instanceof GroupWrite.WrongGroup wrong) {
                  reply.completeExceptionally(new org.apache.ratis.protocol.exceptions.GroupMismatchException(
                      wrong.message()));
                } else if (answer instanceof GroupWrite.Unknown unknown) {
                  reply.completeExceptionally(new IOException("node " + peer.getId() + ": " + unknown.message()));
                } else {
                  reply.complete(toRaftReply(peer.getId(), request, answer));
                }
              } catch (RuntimeException e) {
                // An answer we cannot read: the write may have applied (the retry's session tells).
                reply.completeExceptionally(new IOException("unreadable answer from the write service of "
                    + peer.getId() + ": " + e.getMessage(), e));
              }
            }

            @Override
            public void onError(Throwable t) {
              if (org.apache.ratis.thirdparty.io.grpc.Status.fromThrowable(t).getCode()
                  == org.apache.ratis.thirdparty.io.grpc.Status.Code.UNIMPLEMENTED) {
                if (without.add(peer.getId())) {
                  LOG.info("node {} has no write service (an older version): writes to it go as Raft requests",
                      peer.getId());
                }
                asRaftRequest.get().whenComplete((r, e) -> {
                  if (e != null) {
                    reply.completeExceptionally(e);
                  } else {
                    reply.complete(r);
                  }
                });
                return;
              }
              reply.completeExceptionally(t);
            }

            @Override
            public void onCompleted() {
              if (!reply.isDone()) {
                reply.completeExceptionally(new IOException("the write service of " + peer.getId()
                    + " ended the call without an answer"));
              }
            }
          });
      return reply;
    }

    /** The reply Ratis would have given this request, from the write service's answer. */
    private RaftClientReply toRaftReply(RaftPeerId from, RaftClientRequest request, GroupWrite.Reply answer) {
      org.apache.ratis.protocol.RaftGroupMemberId member = org.apache.ratis.protocol.RaftGroupMemberId.valueOf(from,
          groupId);
      RaftClientReply.Builder b = RaftClientReply.newBuilder().setClientId(clientId).setServerId(member)
          .setCallId(request.getCallId());
      if (answer instanceof GroupWrite.Applied applied) {
        long index = applied.response() instanceof Response.Ok ok ? ok.index() : 0;
        return b.setSuccess(true).setLogIndex(index).setMessage(Message.valueOf(
            org.apache.ratis.thirdparty.com.google.protobuf.UnsafeByteOperations.unsafeWrap(
                ResultCodec.encode(applied.response())))).build();
      }
      if (answer instanceof GroupWrite.Refused refused) {
        return b.setException(new org.apache.ratis.protocol.exceptions.StateMachineException(member,
            RequestRefusedException.of(refused.code(), refused.message()))).build();
      }
      if (answer instanceof GroupWrite.NotLeader notLeader) {
        if (notLeader.leaderId().equals(from.toString())) {
          return b.setException(new org.apache.ratis.protocol.exceptions.LeaderNotReadyException(member)).build();
        }
        List<RaftPeer> members = new ArrayList<>();
        for (String m : notLeader.members()) {
          int eq = m.indexOf('=');
          if (eq > 0) {
            members.add(RaftPeer.newBuilder().setId(m.substring(0, eq)).setAddress(m.substring(eq + 1)).build());
          }
        }
        RaftPeer suggested = null;
        if (!notLeader.leaderId().isEmpty()) {
          RaftPeerId id = RaftPeerId.valueOf(notLeader.leaderId());
          suggested = members.stream().filter(p -> p.getId().equals(id)).findFirst().orElse(peer(id));
        }
        return b.setException(new org.apache.ratis.protocol.exceptions.NotLeaderException(member, suggested,
            members.isEmpty() ? new ArrayList<>(peers) : members)).build();
      }
      throw new IllegalArgumentException("not a reply Ratis could give: " + answer);
    }

    private org.apache.ratis.thirdparty.io.grpc.ManagedChannel channel(String address) {
      return channels.computeIfAbsent(address, a -> Watches.channel(a, tlsFiles, protocols));
    }

    void close() {
      channels.values().forEach(org.apache.ratis.thirdparty.io.grpc.ManagedChannel::shutdownNow);
    }
  }

  private static final org.apache.ratis.thirdparty.io.grpc.MethodDescriptor<byte[], byte[]> SUBMIT =
      org.apache.ratis.thirdparty.io.grpc.MethodDescriptor.<byte[], byte[]>newBuilder()
          .setType(org.apache.ratis.thirdparty.io.grpc.MethodDescriptor.MethodType.UNARY)
          .setFullMethodName(GroupWrite.METHOD).setRequestMarshaller(Watches.BYTES).setResponseMarshaller(Watches.BYTES)
          .build();
}
