package quorumkv.server.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import quorumkv.server.config.ServerConfig;

/**
 * HTTP/1.1 pipelining (RFC 9112 section 9.3): requests sent back to back on one connection are served one
 * at a time and answered in the order they were sent. Before, every request decoded from one read went
 * to the worker pool at once, so a slow request's answer came after a later fast one's.
 */
class HttpPipelineTest {
  private static final Pattern BODY_N = Pattern.compile("\\{\"n\":\"(\\w+)\"}");

  private final AtomicInteger running = new AtomicInteger();
  private final AtomicInteger mostAtOnce = new AtomicInteger();
  private HttpServer server;

  @BeforeEach
  void start() {
    ServerConfig.HttpSettings settings = new ServerConfig.HttpSettings("127.0.0.1", 0, 64 * 1024, 16L * 1024 * 1024, 8, 8,
        Duration.ofSeconds(2), Duration.ofSeconds(5), Duration.ofSeconds(5), 4, 16, Duration.ofSeconds(5), 1000);
    Router router = new Router()
        .exact("slow", "/slow", Set.of("GET"), request -> answer("slow", 300))
        .exact("fast", "/fast", Set.of("GET"), request -> answer("fast", 0));
    server = HttpServer.start("http", "quorumkv.http.port", settings, "t1", router, (op, status, nanos) -> {}, null);
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private ApiResponse answer(String name, long sleepMs) {
    mostAtOnce.accumulateAndGet(running.incrementAndGet(), Math::max);
    try {
      Thread.sleep(sleepMs);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      running.decrementAndGet();
    }
    return ApiResponse.ok(Json.object().put("n", name));
  }

  @Test
  void pipelinedRequestsAreAnsweredInOrderOneAtATime() throws IOException {
    List<String> sent = List.of("slow", "fast", "fast", "slow", "fast");
    StringBuilder requests = new StringBuilder();
    for (int i = 0; i < sent.size(); i++) {
      requests.append("GET /").append(sent.get(i)).append(" HTTP/1.1\r\nHost: x\r\n")
          .append(i == sent.size() - 1 ? "Connection: close\r\n" : "").append("\r\n");
    }
    String raw = exchange(requests.toString());
    List<String> answered = new ArrayList<>();
    Matcher m = BODY_N.matcher(raw);
    while (m.find()) {
      answered.add(m.group(1));
    }
    assertEquals(sent, answered, raw);
    assertEquals(1, mostAtOnce.get(), "requests of one connection ran concurrently");
  }

  @Test
  void anErrorBetweenPipelinedRequestsKeepsItsPlace() throws IOException {
    String raw = exchange("GET /slow HTTP/1.1\r\nHost: x\r\n\r\nGET /nowhere HTTP/1.1\r\nHost: x\r\n\r\n"
        + "GET /fast HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    int slow = raw.indexOf("\"slow\"");
    int missing = raw.indexOf("\"not_found\"");
    int fast = raw.indexOf("\"fast\"");
    assertEquals(List.of(true, true), List.of(0 < slow && slow < missing, missing < fast), raw);
  }

  /** Writes everything at once, then reads until the server closes (bounded by a 5 s read timeout). */
  private String exchange(String requests) throws IOException {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", server.port()), 2_000);
      s.setSoTimeout(5_000);
      s.getOutputStream().write(requests.getBytes(StandardCharsets.US_ASCII));
      s.getOutputStream().flush();
      InputStream in = s.getInputStream();
      ByteArrayOutputStream all = new ByteArrayOutputStream();
      byte[] b = new byte[4096];
      for (int n; (n = in.read(b)) >= 0; ) {
        all.write(b, 0, n);
      }
      return all.toString(StandardCharsets.ISO_8859_1);
    }
  }
}
