package quorumkv.server.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntUnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The CLI's HTTP client against stub nodes: a 429 (overloaded) is skipped like a 503, and waited out once. */
class HttpApiTest {
  private final List<HttpServer> servers = new java.util.ArrayList<>();

  /** A stub node answering each call with {@code status(callNumber)}; 429s carry Retry-After: 1. */
  private String node(IntUnaryOperator status, AtomicInteger calls) throws IOException {
    HttpServer s = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    s.createContext("/", exchange -> {
      int code = status.applyAsInt(calls.incrementAndGet());
      byte[] body = ("{\"error\":\"" + (code == 429 ? "overloaded" : "x") + "\",\"message\":\"m\"}")
          .getBytes(StandardCharsets.UTF_8);
      if (code == 429) {
        exchange.getResponseHeaders().set("Retry-After", "1");
      }
      exchange.sendResponseHeaders(code, body.length);
      exchange.getResponseBody().write(body);
      exchange.close();
    });
    s.start();
    servers.add(s);
    return "127.0.0.1:" + s.getAddress().getPort();
  }

  @AfterEach
  void stop() {
    servers.forEach(s -> s.stop(0));
  }

  @Test
  void anOverloadedNodeIsSkippedForTheNext() throws Exception {
    AtomicInteger a = new AtomicInteger();
    AtomicInteger b = new AtomicInteger();
    HttpApi api = new HttpApi(List.of(node(n -> 429, a), node(n -> 200, b)), Duration.ofSeconds(5), null);
    HttpApi.Reply r = api.send("PUT", "/v1/kv/k", "application/json", "{}".getBytes(StandardCharsets.UTF_8), true);
    assertEquals(200, r.status());
    assertEquals(1, a.get());
    assertEquals(1, b.get());
  }

  @Test
  void whenEveryNodeIsOverloadedItWaitsOnceThenTriesThemAgain() throws Exception {
    AtomicInteger a = new AtomicInteger();
    AtomicInteger b = new AtomicInteger();
    HttpApi api = new HttpApi(List.of(node(n -> n == 1 ? 429 : 200, a), node(n -> 429, b)), Duration.ofSeconds(5), null);
    long t0 = System.nanoTime();
    assertEquals(200, api.get("/v1/kv/k").status());
    long ms = (System.nanoTime() - t0) / 1_000_000;
    assertEquals(2, a.get());
    assertEquals(1, b.get());
    assertEquals(true, ms >= 900, "waited the Retry-After second first: " + ms + " ms");
  }

  @Test
  void stillOverloadedAfterTheWaitIsUnavailableNotARetryLoop() throws Exception {
    AtomicInteger a = new AtomicInteger();
    HttpApi api = new HttpApi(List.of(node(n -> 429, a)), Duration.ofSeconds(5), null);
    CliException e = assertThrows(CliException.class, () -> api.get("/v1/kv/k"));
    assertEquals(ExitCodes.UNAVAILABLE, e.exitCode());
    assertEquals(2, a.get(), "one call, then one more after the wait");
  }
}
