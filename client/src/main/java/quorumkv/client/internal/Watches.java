package quorumkv.client.internal;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.thirdparty.io.grpc.CallOptions;
import org.apache.ratis.thirdparty.io.grpc.ClientCall;
import org.apache.ratis.thirdparty.io.grpc.ManagedChannel;
import org.apache.ratis.thirdparty.io.grpc.Metadata;
import org.apache.ratis.thirdparty.io.grpc.MethodDescriptor;
import org.apache.ratis.thirdparty.io.grpc.Status;
import org.apache.ratis.thirdparty.io.grpc.netty.GrpcSslContexts;
import org.apache.ratis.thirdparty.io.grpc.netty.NettyChannelBuilder;
import org.apache.ratis.thirdparty.io.netty.handler.ssl.SslContextBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import quorumkv.client.KvCompactedException;
import quorumkv.client.KvClientConfig;
import quorumkv.client.KvException;
import quorumkv.client.KvPermissionDeniedException;
import quorumkv.client.KvRejectedException;
import quorumkv.client.KvUnavailableException;
import quorumkv.client.Watch;
import quorumkv.client.WatchListener;
import quorumkv.client.WatchOptions;
import quorumkv.client.tls.TlsFiles;
import quorumkv.raftlog.command.CommandCodecException;
import quorumkv.raftlog.command.ErrorCode;
import quorumkv.raftlog.command.WatchCodec;
import quorumkv.raftlog.command.WatchMessage;

/**
 * Every watch of one client, on one stream to one node at a time (the node's watch service, on its Raft
 * port, under the same mutual TLS). When the stream breaks, or stays silent for {@link #SILENCE_MILLIS}
 * (nodes send progress every second), the client opens a stream to the next member and re-creates each
 * watch from the revision it had received, so no event is lost or repeated. If no node takes the watches
 * within the client's deadline, every watch ends with {@link KvUnavailableException}.
 */
final class Watches implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Watches.class);
  static final long SILENCE_MILLIS = 5_000;
  /** Raw bytes on a gRPC call (the watch stream and the write service carry our own encoding). */
  static final MethodDescriptor.Marshaller<byte[]> BYTES = new MethodDescriptor.Marshaller<>() {
    @Override
    public InputStream stream(byte[] value) {
      return new ByteArrayInputStream(value);
    }

    @Override
    public byte[] parse(InputStream stream) {
      try {
        return stream.readAllBytes();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  };
  private static final MethodDescriptor<byte[], byte[]> WATCH = MethodDescriptor.<byte[], byte[]>newBuilder()
      .setType(MethodDescriptor.MethodType.BIDI_STREAMING).setFullMethodName(WatchMessage.METHOD)
      .setRequestMarshaller(BYTES).setResponseMarshaller(BYTES).build();

  private final String name;
  private final Members members;
  private final TlsFiles tls;
  private final List<String> protocols;
  private final ScheduledExecutorService timer;
  private final Executor callbacks;
  private final long deadlineMillis;
  private final Map<String, ManagedChannel> channels = new HashMap<>();
  private final Map<Long, ClientWatch> watches = new LinkedHashMap<>();
  private long nextId;
  private Stream stream;
  private int cursor;
  /** When the client last had a working stream (or the first watch was asked for). */
  private long connectedAt;
  private ScheduledFuture<?> checker;
  private boolean closed;

  Watches(String name, Members members, TlsFiles tls, KvClientConfig config, ScheduledExecutorService timer,
      Executor callbacks) {
    this.name = name;
    this.members = members;
    this.tls = tls;
    this.protocols = config.tls().protocols();
    this.timer = timer;
    this.callbacks = callbacks;
    this.deadlineMillis = config.deadline().toMillis();
  }

  synchronized Watch open(WatchOptions options, WatchListener listener) {
    if (closed) {
      throw new KvUnavailableException("the client is closed", null);
    }
    ClientWatch w = new ClientWatch(this, nextId++, options, listener, callbacks);
    watches.put(w.id, w);
    if (stream == null) {
      connectedAt = System.currentTimeMillis();
      connect();
    } else {
      stream.create(w, false);
    }
    if (checker == null) {
      checker = timer.scheduleWithFixedDelay(this::check, 500, 500, TimeUnit.MILLISECONDS);
    }
    return w;
  }

  synchronized void cancel(ClientWatch w) {
    if (watches.remove(w.id) != null && stream != null) {
      stream.send(new WatchMessage.Cancel(w.id));
    }
  }

  /** The watch ended by itself (an error): the node ends it too, or already has. */
  synchronized void forget(ClientWatch w) {
    cancel(w);
  }

  /**
   * Opens a stream (to the leader if known, else the next member) and (re)creates every watch on it. The
   * leader first: it applies an entry as soon as it commits, while a follower learns of the commit only with
   * the leader's next message, which delayed events by tens of milliseconds (bin/bench's watch phase).
   */
  private void connect() {
    List<RaftPeer> peers = members.members();
    String failed = stream == null ? null : stream.address;
    RaftPeer peer = null;
    org.apache.ratis.protocol.RaftPeerId leader = members.leader();
    for (RaftPeer p : peers) {
      if (p.getId().equals(leader) && !p.getAddress().equals(failed)) {
        peer = p;
      }
    }
    if (peer == null) {
      peer = peers.get(Math.floorMod(cursor++, peers.size()));
    }
    stream = new Stream(peer.getAddress());
    for (ClientWatch w : new ArrayList<>(watches.values())) {
      stream.create(w, true);
    }
  }

  /** Every half second: a silent or broken stream is replaced; past the deadline without one, watches end. */
  private synchronized void check() {
    if (closed || watches.isEmpty()) {
      return;
    }
    long now = System.currentTimeMillis();
    if (stream != null && stream.working && now - stream.lastHeard > SILENCE_MILLIS) {
      LOG.info("{}: watch stream to {} silent for {} ms; moving to another node", name, stream.address,
          now - stream.lastHeard);
      stream.abandon();
    }
    if (stream != null && stream.working) {
      connectedAt = now;
      return;
    }
    if (now - connectedAt > deadlineMillis) {
      String why = "no node took the watches within the client's deadline (" + deadlineMillis + " ms)"
          + (stream == null || stream.failure == null ? "" : "; last failure: " + stream.failure);
      for (ClientWatch w : new ArrayList<>(watches.values())) {
        w.fail(new KvUnavailableException(why, null));
      }
      stream = null;
      return;
    }
    if (stream == null || stream.broken) {
      connect();
    }
  }

  private synchronized void received(Stream from, WatchMessage m) {
    if (from != stream) {
      return; // an abandoned stream
    }
    from.lastHeard = System.currentTimeMillis();
    from.working = true;
    if (m instanceof WatchMessage.Created c) {
      ClientWatch w = watches.get(c.watchId());
      if (w != null) {
        w.created(c.startRevision());
      }
    } else if (m instanceof WatchMessage.Events e) {
      if (e.watchId() == WatchMessage.ALL) {
        // One task for all watches (not one each), off this gRPC thread and off this lock.
        List<ClientWatch> all = new ArrayList<>(watches.values());
        long next = e.next();
        try {
          callbacks.execute(() -> all.forEach(w -> w.progressOnCallbackThread(next)));
        } catch (java.util.concurrent.RejectedExecutionException closed) {
          // the client is closing
        }
      } else {
        ClientWatch w = watches.get(e.watchId());
        if (w != null) {
          w.events(e.next(), e.events());
        }
      }
    } else if (m instanceof WatchMessage.Ended e) {
      ClientWatch w = watches.get(e.watchId());
      if (w != null) {
        KvException error = switch (e.code()) {
          case COMPACTED -> new KvCompactedException(e.message(), e.oldest());
          case PERMISSION_DENIED -> new KvPermissionDeniedException(e.message(), null);
          case NODE_DEGRADED -> null;
          default -> new KvRejectedException(e.code(), e.message(), null);
        };
        if (error == null) {
          from.abandon(); // this node cannot serve watches now: all of them move to another
        } else {
          w.fail(error);
        }
      }
    }
  }

  private synchronized void ended(Stream from, Status status) {
    if (from != stream) {
      return;
    }
    from.broken = true;
    from.working = false;
    from.failure = status.getCode() + (status.getDescription() == null ? "" : ": " + status.getDescription())
        + (status.getCause() == null ? "" : " (" + status.getCause() + ")");
    LOG.debug("{}: watch stream to {} ended: {}", name, from.address, from.failure);
    if (status.getCode() == Status.Code.PERMISSION_DENIED || status.getCode() == Status.Code.UNAUTHENTICATED) {
      for (ClientWatch w : new ArrayList<>(watches.values())) {
        w.fail(new KvPermissionDeniedException("the node refused the watch stream: " + from.failure, null));
      }
    }
  }

  private ManagedChannel channel(String address) {
    return channels.computeIfAbsent(address, a -> channel(a, tls, protocols));
  }

  /** A gRPC channel to a node's Raft port: mutual TLS with this client's files, or plaintext without them. */
  static ManagedChannel channel(String address, TlsFiles tls, List<String> protocols) {
    NettyChannelBuilder b = NettyChannelBuilder.forTarget(address);
    if (tls == null) {
      b.usePlaintext();
    } else {
      try {
        b.sslContext(GrpcSslContexts.configure(SslContextBuilder.forClient().keyManager(tls.keyManager())
            .trustManager(tls.trustManager()).protocols(protocols)).build());
      } catch (SSLException e) {
        throw new UncheckedIOException(e);
      }
    }
    return b.build();
  }

  /** One bidirectional watch stream to one node. */
  private final class Stream {
    final String address;
    final ClientCall<byte[], byte[]> call;
    volatile long lastHeard = System.currentTimeMillis();
    boolean working;
    boolean broken;
    String failure;

    Stream(String address) {
      this.address = address;
      this.call = channel(address).newCall(WATCH, CallOptions.DEFAULT);
      call.start(new ClientCall.Listener<>() {
        @Override
        public void onMessage(byte[] message) {
          try {
            received(Stream.this, WatchCodec.decode(message));
          } catch (CommandCodecException e) {
            call.cancel("malformed watch message from the node: " + e.getMessage(), e);
          }
          call.request(1);
        }

        @Override
        public void onClose(Status status, Metadata trailers) {
          ended(Stream.this, status);
        }
      }, new Metadata());
      call.request(1);
    }

    void create(ClientWatch w, boolean resume) {
      long from = w.resumeFrom();
      send(new WatchMessage.Create(w.id, w.options.key(), w.options.prefix(), from, w.options.previousValues(),
          resume && from > 0 && w.confirmed()));
    }

    void send(WatchMessage m) {
      if (!broken) {
        call.sendMessage(WatchCodec.encode(m));
      }
    }

    void abandon() {
      broken = true;
      working = false;
      call.cancel("moving the watches to another node", null);
    }
  }

  @Override
  public synchronized void close() {
    closed = true;
    if (checker != null) {
      checker.cancel(false);
    }
    if (stream != null) {
      stream.abandon();
    }
    channels.values().forEach(ManagedChannel::shutdownNow);
  }
}
