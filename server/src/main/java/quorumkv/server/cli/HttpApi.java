package quorumkv.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import quorumkv.client.tls.PemFiles;
import quorumkv.client.tls.TlsConfigException;
import quorumkv.client.tls.TlsFiles;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import quorumkv.server.http.Json;

/**
 * The CLI's client of the nodes' HTTP API. Tries the endpoints in order: a node that refuses the
 * connection, or answers 503 (nothing applied) or 429 (overloaded: nothing done), is skipped for the next;
 * any other answer ends the call. When every endpoint was overloaded it waits once (the reply's
 * Retry-After, at most 2 s) and tries them all again, rather than giving up or retrying hot.
 * A write whose connection fails after it was sent has an unknown outcome and is not retried.
 */
final class HttpApi {
  /** A reply: status, and the body parsed as JSON (null if it is not JSON). */
  record Reply(String endpoint, int status, JsonNode json, String rawBody, long retryAfterSeconds) {
    Reply(String endpoint, int status, JsonNode json, String rawBody) {
      this(endpoint, status, json, rawBody, 0);
    }
  }

  private final List<String> endpoints;
  private final Duration timeout;
  private final HttpClient http;
  private final String scheme;

  /** {@code tls}: the CA bundle, certificate and key for HTTPS with a client certificate; null: plain HTTP. */
  HttpApi(List<String> endpoints, Duration timeout, DevCerts.Files3 tls) throws CliException {
    this.endpoints = endpoints;
    this.timeout = timeout;
    HttpClient.Builder b = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2))
        .version(HttpClient.Version.HTTP_1_1);
    if (tls != null) {
      try {
        // A one-shot process: the files' reload thread is a daemon and never runs in a CLI call's time.
        TlsFiles files = TlsFiles.open(tls.caFile(), tls.certFile(), tls.keyFile(), Duration.ofHours(1));
        javax.net.ssl.SSLContext context = javax.net.ssl.SSLContext.getInstance("TLS");
        context.init(new javax.net.ssl.KeyManager[] {files.keyManager()},
            new javax.net.ssl.TrustManager[] {files.trustManager()}, null);
        b.sslContext(context).sslParameters(new javax.net.ssl.SSLParameters(null, new String[] {"TLSv1.3", "TLSv1.2"}));
      } catch (TlsConfigException e) {
        throw new CliException(ExitCodes.USAGE, e.getMessage());
      } catch (java.security.GeneralSecurityException e) {
        throw new CliException(ExitCodes.USAGE, "cannot use the TLS files " + tls.certFile() + ", " + tls.keyFile()
            + " and " + tls.caFile() + ": " + PemFiles.oneLine(e));
      }
    }
    this.scheme = tls == null ? "http://" : "https://";
    this.http = b.build();
  }

  List<String> endpoints() {
    return endpoints;
  }

  Reply get(String pathAndQuery) throws CliException {
    return send("GET", pathAndQuery, null, null, false);
  }

  Reply send(String method, String pathAndQuery, String contentType, byte[] body, boolean isWrite) throws CliException {
    return send(endpoints, method, pathAndQuery, contentType, body, isWrite);
  }

  /** Sends to one endpoint only. */
  Reply sendTo(String endpoint, String method, String pathAndQuery) throws CliException {
    return send(List.of(endpoint), method, pathAndQuery, null, null, false);
  }

  private Reply send(List<String> targets, String method, String pathAndQuery, String contentType, byte[] body,
      boolean isWrite) throws CliException {
    String lastProblem = "no endpoints given";
    Reply unavailable = null;
    for (int round = 0; round < 2; round++) {
      if (round == 1) {
        if (unavailable == null || unavailable.status() != 429) {
          break;
        }
        pause(unavailable);
      }
      unavailable = null;
      for (String endpoint : targets) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(scheme + endpoint + pathAndQuery)).timeout(timeout)
            .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
        if (contentType != null) {
          b.header("Content-Type", contentType);
        }
        try {
          HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
          Reply reply = new Reply(endpoint, r.statusCode(), parse(r.body()), r.body(),
              r.headers().firstValueAsLong("Retry-After").orElse(0));
          if (r.statusCode() == 503 || r.statusCode() == 429) {
            unavailable = unavailable != null && unavailable.status() == 503 ? unavailable : reply;
            lastProblem = endpoint + ": " + message(reply);
            continue;
          }
          return reply;
        } catch (ConnectException | HttpConnectTimeoutException e) {
          lastProblem = endpoint + ": cannot connect (" + e.getClass().getSimpleName() + ")";
        } catch (IOException e) {
          if (isWrite) {
            throw new CliException(ExitCodes.UNKNOWN_OUTCOME, "connection to " + endpoint + " failed after the write was sent ("
                + e + "); it may or may not have applied");
          }
          lastProblem = endpoint + ": " + e;
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new CliException(ExitCodes.FAILED, "interrupted");
        } catch (IllegalArgumentException e) {
          throw new CliException(ExitCodes.USAGE, "bad endpoint '" + endpoint + "': " + e.getMessage());
        }
      }
    }
    if (unavailable != null) {
      throw new CliException(ExitCodes.UNAVAILABLE, "cluster unavailable: " + lastProblem);
    }
    throw new CliException(ExitCodes.UNAVAILABLE, "no endpoint answered: " + lastProblem);
  }

  /** Waits as an overloaded node asked (Retry-After seconds), at most 2 s. */
  private static void pause(Reply overloaded) throws CliException {
    try {
      Thread.sleep(Math.min(2_000, Math.max(200, overloaded.retryAfterSeconds() * 1_000L)));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CliException(ExitCodes.FAILED, "interrupted");
    }
  }

  /** Downloads to {@code target} from one endpoint; returns the HTTP status. */
  int download(String endpoint, String path, Path target) throws CliException {
    try {
      // A backup holds every key and value: owner-only (0600) from its first byte, as keys are.
      java.nio.file.Files.deleteIfExists(target);
      java.nio.file.Files.createFile(target, java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
          java.nio.file.attribute.PosixFilePermissions.fromString("rw-------")));
      HttpResponse<Path> r = http.send(HttpRequest.newBuilder(URI.create(scheme + endpoint + path))
          .timeout(timeout.multipliedBy(10)).GET().build(), HttpResponse.BodyHandlers.ofFile(target,
              java.nio.file.StandardOpenOption.WRITE, java.nio.file.StandardOpenOption.TRUNCATE_EXISTING));
      return r.statusCode();
    } catch (IOException e) {
      throw new CliException(ExitCodes.UNAVAILABLE, "download from " + endpoint + " failed: " + e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CliException(ExitCodes.FAILED, "interrupted");
    }
  }

  private static JsonNode parse(String body) {
    try {
      return body == null || body.isEmpty() ? null : Json.MAPPER.readTree(body);
    } catch (IOException e) {
      return null;
    }
  }

  /** The error message of a reply, or its status. */
  static String message(Reply r) {
    if (r.json() != null && r.json().hasNonNull("message")) {
      return r.json().get("message").asText();
    }
    return "HTTP " + r.status();
  }

  /** Maps a non-2xx reply to the CLI's exit codes. */
  static CliException failure(Reply r) {
    int code = switch (r.status()) {
      case 503, 429 -> ExitCodes.UNAVAILABLE;
      case 504 -> ExitCodes.UNKNOWN_OUTCOME;
      case 507 -> ExitCodes.NO_SPACE;
      case 401, 403 -> ExitCodes.PERMISSION_DENIED;
      default -> r.status() >= 400 && r.status() < 500 ? ExitCodes.REJECTED : ExitCodes.FAILED;
    };
    String error = r.json() != null && r.json().hasNonNull("error") ? r.json().get("error").asText() + ": " : "";
    return new CliException(code, error + message(r));
  }
}
