package quorumkv.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * What a handler answers: a status, a content type and either bytes or a file (streamed, then deleted;
 * for backups).
 */
public record ApiResponse(int status, String contentType, byte[] body, Path file) {
  public static final String JSON = "application/json; charset=utf-8";

  public static ApiResponse json(int status, JsonNode body) {
    return new ApiResponse(status, JSON, Json.bytes(body), null);
  }

  public static ApiResponse ok(JsonNode body) {
    return json(200, body);
  }

  public static ApiResponse text(int status, String contentType, String text) {
    return new ApiResponse(status, contentType, text.getBytes(StandardCharsets.UTF_8), null);
  }

  /** Streams {@code file} as the body and deletes it afterwards. */
  public static ApiResponse temporaryFile(String contentType, Path file) {
    return new ApiResponse(200, contentType, null, file);
  }
}
