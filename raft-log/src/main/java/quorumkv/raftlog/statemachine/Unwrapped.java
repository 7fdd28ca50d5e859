package quorumkv.raftlog.statemachine;

import quorumkv.raftlog.command.Caller;
import quorumkv.raftlog.command.Request;
import quorumkv.raftlog.command.RequestCodec;

/**
 * A decoded request out of its caller envelope, if it had one: the request, whom it was sent for (null:
 * a member node, full rights) and its size without the envelope (what the limits judge).
 */
record Unwrapped(Request request, Caller caller, int size) {

  /** @throws quorumkv.raftlog.command.CommandCodecException if {@code bytes} is no request */
  static Unwrapped of(byte[] bytes) {
    Request decoded = RequestCodec.decode(bytes);
    if (decoded instanceof Request.AsCaller envelope) {
      return new Unwrapped(envelope.inner(), envelope.caller(),
          bytes.length - RequestCodec.envelopeOverhead(envelope.caller()));
    }
    return new Unwrapped(decoded, null, bytes.length);
  }
}
