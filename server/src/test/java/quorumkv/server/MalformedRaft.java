package quorumkv.server;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;
import quorumkv.raftlog.command.Bytes;
import quorumkv.raftlog.command.Command;
import quorumkv.raftlog.command.CommandCodecException;
import quorumkv.raftlog.command.Guard;
import quorumkv.raftlog.command.Request;
import quorumkv.raftlog.command.RequestCodec;
import quorumkv.server.testing.Http2Frames;

/**
 * jqwik generators for the client (Raft) port: raw bytes below gRPC (garbage, truncated HTTP/2
 * prefaces, random frames, broken streams and gRPC messages that are no protobuf), and command bytes
 * for well-formed Ratis requests (a valid request's encoding cut, extended or bit-flipped, a wrong
 * version or kind, random bytes). Never generated: a free-space alarm (it decodes and applies by
 * design, and would make the cluster refuse writes).
 */
final class MalformedRaft {
  /** What a Ratis request carries the bytes as. */
  enum Kind { WRITE, READ, STALE_READ }

  /** Command bytes and how to send them; {@code decodes}: whether the codec accepts them. */
  record CommandCase(Kind kind, byte[] bytes, boolean decodes) {}

  static final String CLIENT_SERVICE = "/ratis.grpc.RaftClientProtocolService/";
  private static final String[] GRPC_CALL = {":method", "POST", ":scheme", "http", ":path", CLIENT_SERVICE + "unordered",
      "content-type", "application/grpc", "te", "trailers"};

  private MalformedRaft() {}

  /** Raw bytes for one connection to a Raft port. */
  static Arbitrary<byte[]> connections() {
    Arbitrary<byte[]> noise = Arbitraries.bytes().array(byte[].class).ofMaxSize(300);
    return Arbitraries.frequencyOf(
        Tuple.of(2, Arbitraries.bytes().array(byte[].class).ofMinSize(1).ofMaxSize(2000)),
        Tuple.of(2, Combinators.combine(Arbitraries.integers().between(0, Http2Frames.PREFACE.length - 1), noise)
            .as((cut, tail) -> concat(Arrays.copyOf(Http2Frames.PREFACE, cut), tail))),
        Tuple.of(1, Arbitraries.of("GET / HTTP/1.1\r\nHost: x\r\n\r\n", "PRI * HTTP/2.0\r\n\r\n",
            "\u0016\u0003\u0001\u0000\u00a5\u0001\u0000\u0000\u00a1\u0003\u0003").map(s -> s.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1))),
        Tuple.of(4, frame().list().ofMinSize(1).ofMaxSize(5).map(frames -> {
          Http2Frames c = Http2Frames.connection();
          frames.forEach(f -> c.raw(f));
          return c.toBytes();
        })),
        Tuple.of(3, grpcMessage().map(body -> Http2Frames.connection().headers(1, false, GRPC_CALL)
            .frame(Http2Frames.DATA, Http2Frames.END_STREAM, 1, body).toBytes())),
        Tuple.of(1, Arbitraries.of(brokenStreams()).map(Http2Frames::toBytes)));
  }

  /** One HTTP/2 frame of any type with random flags, stream and payload. */
  private static Arbitrary<byte[]> frame() {
    return Combinators.combine(Arbitraries.integers().between(0, 12), Arbitraries.integers().between(0, 255),
        Arbitraries.of(0, 1, 2, 3, 5, Integer.MAX_VALUE), Arbitraries.bytes().array(byte[].class).ofMaxSize(64))
        .as((type, flags, stream, payload) -> Http2Frames.bare().frame(type, flags, stream, payload).toBytes());
  }

  /** A gRPC length-prefixed message whose flag, length or protobuf is wrong. */
  private static Arbitrary<byte[]> grpcMessage() {
    return Combinators.combine(Arbitraries.of(0, 0, 1, 2, 255), Arbitraries.of(-1, -1, 0, 1, 1 << 30),
        Arbitraries.bytes().array(byte[].class).ofMaxSize(200)).as((flag, length, proto) -> {
          int declared = length == -1 ? proto.length : length;
          byte[] prefix = {(byte) (int) flag, (byte) (declared >>> 24), (byte) (declared >>> 16), (byte) (declared >>> 8),
              (byte) (int) declared};
          return concat(prefix, proto);
        });
  }

  /** Streams gRPC refuses: a second header block, a body shorter than announced, banned headers. */
  private static List<Http2Frames> brokenStreams() {
    return List.of(
        Http2Frames.connection().headers(1, false, GRPC_CALL).headers(1, false, "x-more", "1"),
        Http2Frames.connection().headers(1, false, with("content-length", "5"))
            .frame(Http2Frames.DATA, Http2Frames.END_STREAM, 1, new byte[3]),
        Http2Frames.connection().headers(1, true, with("connection", "keep-alive")),
        Http2Frames.connection().headers(1, true, with(":bogus", "1")),
        Http2Frames.connection().headers(1, true, with("X-Upper", "1")),
        Http2Frames.connection().headers(2, true, GRPC_CALL),
        Http2Frames.connection().headers(1, true, ":method", "POST", ":path", CLIENT_SERVICE + "noSuchMethod",
            ":scheme", "http", "content-type", "application/grpc"),
        Http2Frames.connection().headers(1, true, ":method", "GET", ":path", "/", ":scheme", "http"));
  }

  private static String[] with(String name, String value) {
    String[] all = Arrays.copyOf(GRPC_CALL, GRPC_CALL.length + 2);
    all[GRPC_CALL.length] = name;
    all[GRPC_CALL.length + 1] = value;
    return all;
  }

  /** Command bytes: a valid request's encoding, mangled; or random bytes. */
  static Arbitrary<CommandCase> commands() {
    Arbitrary<byte[]> mangled = Combinators.combine(validRequest(), Arbitraries.integers().between(0, 4),
        Arbitraries.integers().between(0, 10_000), Arbitraries.bytes().array(byte[].class).ofMaxSize(16))
        .as(MalformedRaft::mangle);
    Arbitrary<byte[]> bytes = Arbitraries.frequencyOf(Tuple.of(4, mangled),
        Tuple.of(1, Arbitraries.bytes().array(byte[].class).ofMaxSize(300)));
    return Combinators.combine(Arbitraries.of(Kind.class), bytes).as((kind, b) -> new CommandCase(kind, b, decodes(b)))
        .filter(c -> !isAlarm(c.bytes()));
  }

  private static Arbitrary<byte[]> validRequest() {
    Arbitrary<Bytes> key = Arbitraries.strings().alpha().ofMaxLength(8).map(k -> Bytes.utf8("fuzz-raft/" + k));
    Arbitrary<Command> command = key.flatMap(k -> Arbitraries.of(new Command.Get(k), new Command.Put(k, Bytes.utf8("v")),
        new Command.Delete(k), new Command.PutIfAbsent(k, Bytes.utf8("w")), Command.Range.prefix(k, 10),
        new Command.Txn(List.of(Guard.exists(k)), List.of(new Command.Put(k, Bytes.utf8("t"))), List.of(new Command.Get(k)))));
    return Combinators.combine(command.list().ofMinSize(1).ofMaxSize(3), Arbitraries.of(true, false)).as((cmds, write) -> {
      List<Command> usable = write ? cmds : cmds.stream().filter(Command::isReadOnly).toList();
      Request r = write ? new Request.Write(UUID.randomUUID(), 1, 1, cmds) : new Request.Read(usable);
      return RequestCodec.encode(r);
    });
  }

  /** 0: cut; 1: bytes appended; 2: a bit flipped; 3: another version byte; 4: another kind byte. */
  private static byte[] mangle(byte[] valid, int how, int where, byte[] extra) {
    byte[] b = valid.clone();
    int at = where % b.length;
    switch (how) {
      case 0 -> b = Arrays.copyOf(b, at);
      case 1 -> b = concat(b, extra.length == 0 ? new byte[] {0} : extra);
      case 2 -> b[at] ^= (byte) (1 << (where % 8));
      case 3 -> b[0] = (byte) (b[0] + 1 + where % 254);
      default -> b[Math.min(1, b.length - 1)] = (byte) (4 + where % 250);
    }
    return b;
  }

  static boolean decodes(byte[] bytes) {
    try {
      RequestCodec.decode(bytes);
      return true;
    } catch (CommandCodecException e) {
      return false;
    }
  }

  private static boolean isAlarm(byte[] bytes) {
    try {
      return RequestCodec.decode(bytes) instanceof Request.Alarm;
    } catch (CommandCodecException e) {
      return false;
    }
  }

  /** Sends the bytes, ends our side, and reads until the node closes (it must, within a few seconds). */
  static boolean closedByNode(String host, int port, byte[] bytes) throws IOException {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(host, port), 2_000);
      s.setSoTimeout(5_000);
      try {
        s.getOutputStream().write(bytes);
        s.shutdownOutput();
        byte[] sink = new byte[4096];
        while (s.getInputStream().read(sink) >= 0) {
          // GOAWAY, RST_STREAM, SETTINGS: read and drop
        }
      } catch (java.net.SocketTimeoutException e) {
        return false;
      } catch (IOException e) {
        // reset: refused
      }
      return true;
    }
  }

  private static byte[] concat(byte[] a, byte[] b) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(a);
    out.writeBytes(b);
    return out.toByteArray();
  }
}
