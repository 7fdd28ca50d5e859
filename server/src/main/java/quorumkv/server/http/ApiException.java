package quorumkv.server.http;

/**
 * A request that gets an error response: an HTTP status, a stable machine-readable code and a message,
 * sent as {@code {"error":"<code>","message":"<text>"}} (plus {@code "outcome"} for failed writes); the
 * message goes out as {@link ErrorText} allows (short, no class names).
 */
public final class ApiException extends Exception {
  private static final long serialVersionUID = 1L;

  private final int status;
  private final String code;
  private final String outcome;

  public ApiException(int status, String code, String message) {
    this(status, code, message, null);
  }

  /** @param outcome for writes: "not_applied" or "unknown" (may have applied); null otherwise */
  public ApiException(int status, String code, String message, String outcome) {
    super(message);
    this.status = status;
    this.code = code;
    this.outcome = outcome;
  }

  public static ApiException badRequest(String code, String message) {
    return new ApiException(400, code, message);
  }

  public int status() {
    return status;
  }

  public String code() {
    return code;
  }

  public String outcome() {
    return outcome;
  }

  public ApiResponse toResponse() {
    var body = Json.object().put("error", code).put("message", ErrorText.forBody(getMessage()));
    if (outcome != null) {
      body.put("outcome", outcome);
    }
    return ApiResponse.json(status, body);
  }
}
