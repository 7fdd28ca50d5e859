package quorumkv.server;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import quorumkv.server.http.Json;

/** A small HTTP client for tests: status, body text and parsed JSON. */
public final class HttpCalls {
  /** One reply. */
  public record Reply(int status, String body, String contentType) {
    public JsonNode json() {
      try {
        return Json.MAPPER.readTree(body);
      } catch (IOException e) {
        throw new AssertionError("not JSON (" + status + "): " + body, e);
      }
    }
  }

  private static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(2)).build();

  private HttpCalls() {}

  public static Reply get(String address, String path) {
    return send(address, "GET", path, null, null);
  }

  public static Reply send(String address, String method, String path, String contentType, String body) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://" + address + path)).timeout(Duration.ofSeconds(30))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
    if (contentType != null) {
      b.header("Content-Type", contentType);
    }
    try {
      HttpResponse<String> r = CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofString());
      return new Reply(r.statusCode(), r.body(), r.headers().firstValue("content-type").orElse(""));
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  public static Reply putJson(String address, String path, String json) {
    return send(address, "PUT", path, "application/json", json);
  }
}
