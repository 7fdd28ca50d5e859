package quorumkv.raftlog.command;

/** Bytes that do not decode as a request or response: treat the request as rejected. */
public class CommandCodecException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public CommandCodecException(String message) {
    super(message);
  }
}
