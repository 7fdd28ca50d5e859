package quorumkv.raftlog.command;

import java.io.IOException;

/**
 * A request the leader refused before it reached the log, so it certainly had no effect. The state
 * machine sets one as the transaction's exception; Ratis sends its class name and message to the client
 * and rebuilds it there (the cause of a {@code StateMachineException}) by reflection through the public
 * {@code (String message)} constructor every concrete subclass has. The client reads {@link #code()}
 * from the type, so no error code travels inside message text.
 *
 * <p>Errors found while applying an entry are not exceptions: they are {@link Response.Failed} or
 * {@link Result.Error} in the reply.
 */
public abstract class RequestRefusedException extends IOException {
  private static final long serialVersionUID = 1L;

  private final ErrorCode code;

  protected RequestRefusedException(ErrorCode code, String message) {
    super(message == null ? "" : message); // Ratis's reply proto refuses a null message
    this.code = code;
  }

  /** The stable code of this refusal. */
  public final ErrorCode code() {
    return code;
  }

  /** The refusal for {@code code}, which must be one the leader refuses with before the log. */
  public static RequestRefusedException of(ErrorCode code, String message) {
    switch (code) {
      case MALFORMED_REQUEST: return new MalformedRequestException(message);
      case KEY_TOO_LARGE: return new KeyTooLargeException(message);
      case VALUE_TOO_LARGE: return new ValueTooLargeException(message);
      case TOO_MANY_OPERATIONS: return new TooManyOperationsException(message);
      case REQUEST_TOO_LARGE: return new RequestTooLargeException(message);
      case INVALID_ARGUMENT: return new InvalidArgumentException(message);
      case NO_SPACE: return new NoSpaceException(message);
      case NODE_DEGRADED: return new NodeDegradedException(message);
      default: throw new IllegalArgumentException(code + " is not a refusal before the log");
    }
  }

  /** {@link ErrorCode#MALFORMED_REQUEST}. */
  public static final class MalformedRequestException extends RequestRefusedException {
    private static final long serialVersionUID = 1L;

    public MalformedRequestException(String message) {
      super(ErrorCode.MALFORMED_REQUEST, message);
    }
  }

  /** {@link ErrorCode#KEY_TOO_LARGE}. */
  public static final class KeyTooLargeException extends RequestRefusedException {
    private static final long serialVersionUID = 1L;

    public KeyTooLargeException(String message) {
      super(ErrorCode.KEY_TOO_LARGE, message);
    }
  }

  /** {@link ErrorCode#VALUE_TOO_LARGE}. */
  public static final class ValueTooLargeException extends RequestRefusedException {
    private static final long serialVersionUID = 1L;

    public ValueTooLargeException(String message) {
      super(ErrorCode.VALUE_TOO_LARGE, message);
    }
  }

  /** {@link ErrorCode#TOO_MANY_OPERATIONS}. */
  public static final class TooManyOperationsException extends RequestRefusedException {
    private static final long serialVersionUID = 1L;

    public TooManyOperationsException(String message) {
      super(ErrorCode.TOO_MANY_OPERATIONS, message);
    }
  }

  /** {@link ErrorCode#REQUEST_TOO_LARGE}. */
  public static final class RequestTooLargeException extends RequestRefusedException {
    private static final long serialVersionUID = 1L;

    public RequestTooLargeException(String message) {
      super(ErrorCode.REQUEST_TOO_LARGE, message);
    }
  }

  /** {@link ErrorCode#INVALID_ARGUMENT}. */
  public static final class InvalidArgumentException extends RequestRefusedException {
    private static final long serialVersionUID = 1L;

    public InvalidArgumentException(String message) {
      super(ErrorCode.INVALID_ARGUMENT, message);
    }
  }

  /** {@link ErrorCode#NO_SPACE}. */
  public static final class NoSpaceException extends RequestRefusedException {
    private static final long serialVersionUID = 1L;

    public NoSpaceException(String message) {
      super(ErrorCode.NO_SPACE, message);
    }
  }

  /** {@link ErrorCode#NODE_DEGRADED}. */
  public static final class NodeDegradedException extends RequestRefusedException {
    private static final long serialVersionUID = 1L;

    public NodeDegradedException(String message) {
      super(ErrorCode.NODE_DEGRADED, message);
    }
  }
}
