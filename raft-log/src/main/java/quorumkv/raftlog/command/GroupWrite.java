package quorumkv.raftlog.command;

/**
 * The write service on the Raft port: a client sends one write call (an encoded {@link Request.Write}, with
 * its own session and call id) to the node it believes leads; the node combines the calls of every client
 * waiting at that moment into one log entry ({@link Request.Group}) and answers each caller with its own
 * {@link Reply}. Why a service of its own rather than the Ratis client service: Ratis makes one log entry of
 * every client request, so independent clients, each with one write in flight, never share an entry.
 */
public final class GroupWrite {
  /** The gRPC service and its one unary method (request: {@link #encodeCall}; response: {@link #encode(Reply)}). */
  public static final String SERVICE = "quorumkv.Write";
  public static final String METHOD = SERVICE + "/Submit";

  private GroupWrite() {}

  /**
   * One write call: the Raft group it is meant for (a node of another cluster refuses it, as Ratis refuses a
   * request for another group) and the encoded {@link Request.Write}.
   */
  public record Call(java.util.UUID group, byte[] write) {}

  public static byte[] encodeCall(Call call) {
    WireWriter w = WireWriter.message();
    w.i64(call.group().getMostSignificantBits());
    w.i64(call.group().getLeastSignificantBits());
    w.bytes(Bytes.wrap(call.write()));
    return w.toByteArray();
  }

  /** @throws CommandCodecException if {@code bytes} is not a call of this format */
  public static Call decodeCall(byte[] bytes) {
    return WireReader.message(bytes, r -> new Call(new java.util.UUID(r.i64(), r.i64()), r.bytes().unsafeArray()));
  }

  /** What a node answers to one write call. */
  public sealed interface Reply {}

  /** The call was meant for another cluster's group: not applied; this node can never take it. */
  public record WrongGroup(String message) implements Reply {}

  /** The write went through the log: its own response (a result per command, or its own failure). */
  public record Applied(Response response) implements Reply {}

  /** Refused before the log, so certainly not applied (too large, no space, malformed...): as Ratis's refusals. */
  public record Refused(ErrorCode code, String message) implements Reply {}

  /**
   * This node does not lead; {@code leaderId} is the leader it knows of, or empty. Not applied by this call.
   * {@code members}: the group's voters as this node knows them, each {@code id=host:port}, so a client that
   * knew the nodes only by address learns who is who (Ratis's NotLeaderException carries the same).
   */
  public record NotLeader(String leaderId, String message, java.util.List<String> members) implements Reply {
    public NotLeader {
      members = java.util.List.copyOf(members);
    }

    public NotLeader(String leaderId, String message) {
      this(leaderId, message, java.util.List.of());
    }
  }

  /**
   * The entry carrying the write was submitted but its outcome is unknown here (leadership changed, the
   * member stopped): the caller retries the same call, and its session makes the retry apply at most once.
   */
  public record Unknown(String message) implements Reply {}

  private static final int APPLIED = 1, REFUSED = 2, NOT_LEADER = 3, UNKNOWN = 4, WRONG_GROUP = 5;

  public static byte[] encode(Reply reply) {
    WireWriter w = WireWriter.message();
    if (reply instanceof Applied a) {
      w.u8(APPLIED);
      w.bytes(Bytes.wrap(ResultCodec.encode(a.response())));
    } else if (reply instanceof Refused r) {
      w.u8(REFUSED);
      w.i32(r.code().number());
      w.string(r.message());
    } else if (reply instanceof NotLeader n) {
      w.u8(NOT_LEADER);
      w.string(n.leaderId());
      w.string(n.message());
      w.i32(n.members().size());
      for (String m : n.members()) {
        w.string(m);
      }
    } else if (reply instanceof WrongGroup g) {
      w.u8(WRONG_GROUP);
      w.string(g.message());
    } else {
      w.u8(UNKNOWN);
      w.string(((Unknown) reply).message());
    }
    return w.toByteArray();
  }

  /** @throws CommandCodecException if {@code bytes} is not a reply of this format */
  public static Reply decode(byte[] bytes) {
    return WireReader.message(bytes, r -> {
      int kind = r.u8();
      switch (kind) {
        case APPLIED: return new Applied(ResultCodec.decodeResponse(r.bytes().unsafeArray()));
        case REFUSED: return new Refused(ErrorCode.ofNumber(r.i32()), r.string());
        case NOT_LEADER: {
          String leader = r.string();
          String message = r.string();
          int n = r.count();
          java.util.List<String> members = new java.util.ArrayList<>(n);
          for (int i = 0; i < n; i++) {
            members.add(r.string());
          }
          return new NotLeader(leader, message, members);
        }
        case UNKNOWN: return new Unknown(r.string());
        case WRONG_GROUP: return new WrongGroup(r.string());
        default: throw new CommandCodecException("unknown write reply kind " + kind);
      }
    });
  }
}
