package quorumkv.server;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import quorumkv.client.tls.TlsFiles;
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

  private static final Client PLAIN = new Client(HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(2)).build(), "http://");

  private HttpCalls() {}

  public static Reply get(String address, String path) {
    return PLAIN.get(address, path);
  }

  public static Reply send(String address, String method, String path, String contentType, String body) {
    return PLAIN.send(address, method, path, contentType, body);
  }

  public static Reply putJson(String address, String path, String json) {
    return PLAIN.putJson(address, path, json);
  }

  /** The plain HTTP client. */
  public static Client plain() {
    return PLAIN;
  }

  /** A client for HTTPS listeners: trusts {@code caFile}, shows the certificate {@code certFile}. */
  public static Client tls(Path caFile, Path certFile, Path keyFile) {
    try (TlsFiles files = TlsFiles.open(caFile, certFile, keyFile, Duration.ofHours(1))) {
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(new KeyManager[] {files.keyManager()}, new TrustManager[] {files.trustManager()}, null);
      return new Client(HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).sslContext(context)
          .connectTimeout(Duration.ofSeconds(2)).build(), "https://");
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Plain HTTP or HTTPS calls. */
  public static final class Client {
    private final HttpClient http;
    private final String scheme;

    Client(HttpClient http, String scheme) {
      this.http = http;
      this.scheme = scheme;
    }

    public Reply get(String address, String path) {
      return send(address, "GET", path, null, null);
    }

    public Reply putJson(String address, String path, String json) {
      return send(address, "PUT", path, "application/json", json);
    }

    public Reply send(String address, String method, String path, String contentType, String body) {
      HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(scheme + address + path)).timeout(Duration.ofSeconds(30))
          .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
              : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
      if (contentType != null) {
        b.header("Content-Type", contentType);
      }
      try {
        HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        return new Reply(r.statusCode(), r.body(), r.headers().firstValue("content-type").orElse(""));
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
  }
}
