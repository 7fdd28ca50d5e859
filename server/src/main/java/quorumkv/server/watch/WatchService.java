package quorumkv.server.watch;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import org.apache.ratis.thirdparty.io.grpc.Context;
import org.apache.ratis.thirdparty.io.grpc.MethodDescriptor;
import org.apache.ratis.thirdparty.io.grpc.ServerServiceDefinition;
import org.apache.ratis.thirdparty.io.grpc.Status;
import org.apache.ratis.thirdparty.io.grpc.stub.ServerCallStreamObserver;
import org.apache.ratis.thirdparty.io.grpc.stub.ServerCalls;
import org.apache.ratis.thirdparty.io.grpc.stub.StreamObserver;
import quorumkv.raftlog.command.Caller;
import quorumkv.raftlog.command.CommandCodecException;
import quorumkv.raftlog.command.WatchCodec;
import quorumkv.raftlog.command.WatchMessage;

/**
 * The watch service on the Raft port ({@link WatchMessage#SERVICE}), added to Ratis's gRPC server through
 * its services customizer, so it shares the port's mutual TLS and its guard: the guard puts the caller it
 * verified into the call's context ({@link #CALLER}), and the hub checks each watch against that caller's
 * grants. Why a stream of our own rather than a query: the Ratis client has no server push, and a
 * long-polling query per watch would cost a request per watch per poll; one stream carries every watch of
 * a client, and gRPC's flow control tells the hub when a consumer falls behind.
 */
public final class WatchService {
  /** The caller of the current call as the Raft port's guard verified it; absent: a member (or plaintext). */
  public static final Context.Key<Caller> CALLER = Context.key("quorumkv-watch-caller");

  /** Raw bytes on a gRPC call: the Raft port's own services (watches, writes) carry QuorumKV's encoding. */
  public static final MethodDescriptor.Marshaller<byte[]> BYTES = new MethodDescriptor.Marshaller<>() {
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

  static final MethodDescriptor<byte[], byte[]> WATCH = MethodDescriptor.<byte[], byte[]>newBuilder()
      .setType(MethodDescriptor.MethodType.BIDI_STREAMING).setFullMethodName(WatchMessage.METHOD)
      .setRequestMarshaller(BYTES).setResponseMarshaller(BYTES).build();

  private WatchService() {}

  /** The service definition serving {@code hub}'s watches. */
  public static ServerServiceDefinition definition(WatchHub hub) {
    return ServerServiceDefinition.builder(WatchMessage.SERVICE)
        .addMethod(WATCH, ServerCalls.asyncBidiStreamingCall(responses -> open(hub, responses))).build();
  }

  private static StreamObserver<byte[]> open(WatchHub hub, StreamObserver<byte[]> responses) {
    ServerCallStreamObserver<byte[]> out = (ServerCallStreamObserver<byte[]>) responses;
    WatchStream stream = new WatchStream(new GrpcSink(out), CALLER.get());
    out.setOnReadyHandler(() -> hub.run(() -> hub.ready(stream)));
    out.setOnCancelHandler(() -> hub.run(() -> hub.closed(stream)));
    hub.run(() -> hub.register(stream));
    return new StreamObserver<>() {
      @Override
      public void onNext(byte[] bytes) {
        WatchMessage message;
        try {
          message = WatchCodec.decode(bytes);
        } catch (CommandCodecException e) {
          refuse("malformed watch message: " + e.getMessage());
          return;
        }
        if (message instanceof WatchMessage.Create c) {
          hub.run(() -> hub.create(stream, c));
        } else if (message instanceof WatchMessage.Cancel c) {
          hub.run(() -> hub.cancel(stream, c.watchId()));
        } else {
          refuse("a client sends only create and cancel, not " + message.getClass().getSimpleName());
        }
      }

      private void refuse(String why) {
        hub.run(() -> {
          hub.closed(stream);
          stream.close(Status.INVALID_ARGUMENT.withDescription(why).asRuntimeException());
        });
      }

      @Override
      public void onError(Throwable t) {
        hub.run(() -> hub.closed(stream));
      }

      @Override
      public void onCompleted() {
        hub.run(() -> {
          hub.closed(stream);
          stream.close(null);
        });
      }
    };
  }

  /** A gRPC server stream as a watch stream's sink. */
  private record GrpcSink(ServerCallStreamObserver<byte[]> out) implements WatchStream.Sink {
    @Override
    public boolean isReady() {
      return out.isReady();
    }

    @Override
    public boolean isCancelled() {
      return out.isCancelled();
    }

    @Override
    public void send(WatchMessage message) {
      out.onNext(WatchCodec.encode(message));
    }

    @Override
    public void close(Throwable error) {
      try {
        if (error == null) {
          out.onCompleted();
        } else {
          out.onError(error);
        }
      } catch (RuntimeException alreadyCancelled) {
        // the client is gone already: nothing to tell it
      }
    }
  }
}
