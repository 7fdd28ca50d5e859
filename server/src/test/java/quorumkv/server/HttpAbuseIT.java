package quorumkv.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import quorumkv.server.config.ConfigKeys;
import quorumkv.server.testing.Eventually;
import quorumkv.server.testing.LocalCluster;

/**
 * Hostile and broken HTTP input, generated with jqwik, against a 3-node cluster with small limits: every
 * answer is a 4xx with a JSON error body (or a closed connection), never a 5xx or a hang; connections,
 * bodies and slow senders stay bounded; and the nodes keep serving.
 */
class HttpAbuseIT {
  private static Path dir;
  private static LocalCluster cluster;
  private static long heapBefore;

  @BeforeContainer
  static void start() throws IOException {
    dir = Files.createTempDirectory("http-abuse-it");
    // Plaintext, named so: the HTTP parsing and limits under test are the same behind TLS (HttpTlsIT).
    cluster = LocalCluster.startWithHttp(3, dir, Map.of(ConfigKeys.INSECURE_PLAINTEXT, "true", ConfigKeys.HTTP_MAX_BODY, "64KB",
        ConfigKeys.HTTP_REQUEST_TIMEOUT, "1s", ConfigKeys.HTTP_IDLE_TIMEOUT, "2s", ConfigKeys.HTTP_MAX_CONNECTIONS, "16",
        ConfigKeys.HTTP_CALL_TIMEOUT, "3s", ConfigKeys.HTTP_MAX_CONNECTIONS_PER_ADDRESS, "12",
        ConfigKeys.HTTP_FIRST_BYTE_TIMEOUT, "1s"));
    cluster.waitForLeader(Duration.ofSeconds(20));
    heapBefore = usedHeapAfterGc();
  }

  @AfterContainer
  static void stop() {
    try {
      for (int i = 0; i < 3; i++) {
        assertEquals(200, HttpCalls.get(cluster.opsAddress(i), "/health").status(), "node " + i + " still healthy");
        HttpCalls.Reply put = HttpCalls.putJson(cluster.httpAddress(i), "/v1/kv/still-serving", "{\"value\":\"yes\"}");
        assertEquals(200, put.status(), put.body());
      }
      long growth = usedHeapAfterGc() - heapBefore;
      System.out.println("heap growth over the abuse run: " + growth / 1024 + " KiB");
      assertTrue(growth < 128L * 1024 * 1024, "heap grew by " + growth / (1024 * 1024) + " MiB");
    } finally {
      cluster.close();
    }
  }

  private static long usedHeapAfterGc() {
    System.gc();
    Runtime rt = Runtime.getRuntime();
    return rt.totalMemory() - rt.freeMemory();
  }

  private static String node() {
    return cluster.httpAddress((int) (System.nanoTime() % 3));
  }

  /** Sends raw bytes, half-closes, and reads whatever comes back (bounded), within a few seconds. */
  private static String exchange(String address, byte[] request) throws IOException {
    String[] hp = address.split(":");
    try (Socket s = new Socket(hp[0], Integer.parseInt(hp[1]))) {
      s.setSoTimeout(5000);
      OutputStream out = s.getOutputStream();
      try {
        out.write(request);
        out.flush();
        s.shutdownOutput();
      } catch (IOException e) {
        // the node may close early (e.g. after a 413); read what it said
      }
      return readSome(s.getInputStream());
    }
  }

  private static String readSome(InputStream in) throws IOException {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    byte[] b = new byte[4096];
    try {
      int n;
      while (buf.size() < 1 << 20 && (n = in.read(b)) >= 0) {
        buf.write(b, 0, n);
      }
    } catch (SocketTimeoutException e) {
      throw new AssertionError("the node neither answered nor closed within 5 s; got: " + buf);
    } catch (IOException e) {
      // connection reset after an error response: fine
    }
    return buf.toString(StandardCharsets.ISO_8859_1);
  }

  /** Every response in {@code raw} is a non-5xx with a JSON error body when it is an error. */
  private static void assertSaneResponses(String raw, String what) {
    int at = 0;
    while ((at = raw.indexOf("HTTP/1.1 ", at)) >= 0) {
      int status = Integer.parseInt(raw.substring(at + 9, at + 12));
      assertTrue(status < 500, what + " got " + status + ": " + raw);
      if (status >= 400) {
        int body = raw.indexOf("\r\n\r\n", at);
        assertTrue(body > 0 && raw.startsWith("{\"error\":", body + 4), what + ": error without a JSON body: " + raw);
      }
      at += 12;
    }
  }

  @Property(tries = 150)
  void arbitraryBytesGetA4xxOrAClose(@ForAll("garbage") byte[] bytes) throws IOException {
    assertSaneResponses(exchange(node(), bytes), "garbage");
  }

  @Provide
  Arbitrary<byte[]> garbage() {
    Arbitrary<byte[]> random = Arbitraries.bytes().array(byte[].class).ofMaxSize(3000);
    Arbitrary<byte[]> mangled = Arbitraries.of(
        "GET /v1/kv/a HTTP/1.1\r\nHost: x\r\n\r\n", "PUT /v1/kv/a HTTP/1.1\r\nContent-Length: 5\r\nContent-Type: application/json\r\n\r\n{\"va",
        "POST /v1/txn HTTP/1.1\r\nTransfer-Encoding: chunked\r\nContent-Type: application/json\r\n\r\nZZ\r\n",
        "GET /metrics HTTP/1.1\r\nContent-Length: -1\r\n\r\n", "DELETE /v1/kv/%zz HTTP/1.1\r\n\r\n")
        .flatMap(base -> Arbitraries.integers().between(0, base.length()).flatMap(cut ->
            Arbitraries.bytes().array(byte[].class).ofMaxSize(40).map(noise -> {
              byte[] head = base.substring(0, cut).getBytes(StandardCharsets.ISO_8859_1);
              byte[] out = new byte[head.length + noise.length];
              System.arraycopy(head, 0, out, 0, head.length);
              System.arraycopy(noise, 0, out, head.length, noise.length);
              return out;
            })));
    return Arbitraries.oneOf(random, mangled);
  }

  @Property(tries = 150)
  void malformedJsonBodiesAre400WithAJsonError(@ForAll("json") String body) {
    HttpCalls.Reply put = HttpCalls.putJson(node(), "/v1/kv/fuzz", body);
    assertTrue(put.status() == 200 || put.status() == 400 || put.status() == 413, put.status() + " for " + body);
    if (put.status() != 200) {
      assertTrue(put.json().has("error"), put.body());
      assertNamesNoClass(put.body());
    }
    HttpCalls.Reply txn = HttpCalls.send(node(), "POST", "/v1/txn", "application/json", body);
    assertTrue(txn.status() == 200 || txn.status() == 400 || txn.status() == 413, txn.status() + " for " + body);
    if (txn.status() != 200) {
      assertNamesNoClass(txn.body());
    }
  }

  /** An error body names no Java class (package-qualified, nested, or Jackson's backticked form). */
  private static void assertNamesNoClass(String body) {
    assertFalse(java.util.regex.Pattern.compile("\\b(quorumkv|java|javax|com\\.fasterxml|org\\.apache)\\.[a-z]").matcher(body).find()
        || body.contains("$"), "an error body names a Java class: " + body);
  }

  @Example
  void errorBodiesQuoteOnlyAShortPrefixOfTheInputAndNameNoClass() {
    String key = "k".repeat(5_000);
    HttpCalls.Reply tooLong = HttpCalls.putJson(node(), "/v1/kv/" + key, "{\"value\":\"v\"}");
    assertEquals(413, tooLong.status(), tooLong.body());
    assertFalse(tooLong.body().contains("k".repeat(100)), "the key was echoed: " + tooLong.body());
    assertTrue(tooLong.body().length() < 600, tooLong.body());

    HttpCalls.Reply wrongType = HttpCalls.putJson(node(), "/v1/kv/shape", "{\"value\":{\"a\":1}}");
    assertEquals(400, wrongType.status(), wrongType.body());
    assertTrue(wrongType.body().contains("'value'"), wrongType.body());
    assertNamesNoClass(wrongType.body());

    HttpCalls.Reply unknown = HttpCalls.putJson(node(), "/v1/kv/shape", "{\"valu\":\"x\"}");
    assertEquals(400, unknown.status(), unknown.body());
    assertTrue(unknown.body().contains("unknown field 'valu'"), unknown.body());
    assertNamesNoClass(unknown.body());
  }

  @Example
  void aFutureMinIndexEndsUnavailableAtTheCallTimeoutNamingNoClass() {
    long t0 = System.nanoTime();
    HttpCalls.Reply r = HttpCalls.get(node(), "/v1/kv/anything?consistency=follower&min_index=999999999");
    long ms = (System.nanoTime() - t0) / 1_000_000;
    assertEquals(503, r.status(), r.body());
    assertTrue(ms < 3_000 + 5_000, "ended near the 3 s call timeout: " + ms + " ms");
    assertNamesNoClass(r.body());
  }

  @Example
  void headAnswersLikeGetWithoutABody() {
    for (String path : List.of("/health", "/ready", "/metrics", "/v1/cluster")) {
      String address = path.startsWith("/v1/") ? cluster.httpAddress(0) : cluster.opsAddress(0);
      HttpCalls.Reply head = HttpCalls.send(address, "HEAD", path, null, null);
      assertEquals(HttpCalls.get(address, path).status(), head.status(), "HEAD " + path);
      assertEquals("", head.body(), "HEAD " + path + " has no body");
    }
  }

  @Example
  void theDataPortPointsProbesToTheOperationsPort() {
    for (String path : List.of("/health", "/ready", "/metrics")) {
      HttpCalls.Reply r = HttpCalls.get(cluster.httpAddress(0), path);
      assertEquals(404, r.status(), path);
      assertTrue(r.body().contains("operations port " + cluster.opsAddress(0).split(":")[1]), r.body());
    }
  }

  @Example
  void aRangeLimitBeyondAnIntSaysTheAllowedRange() {
    HttpCalls.Reply r = HttpCalls.get(node(), "/v1/kv?prefix=a&limit=3000000000");
    assertEquals(400, r.status(), r.body());
    assertTrue(r.body().contains("between 1 and 2147483647"), r.body());
  }

  @Provide
  Arbitrary<String> json() {
    Arbitrary<String> fragments = Arbitraries.of("{", "}", "[", "]", "\"value\"", "\"value_base64\"", ":", ",", "\"x\"",
        "null", "1e999999", "-", "\"\\u", "{\"value\":", "\"key\"", "\"op\":\"put\"", "\"compare\":", "\"success\":", "true",
        "\"=\"", "\"number\":", "9223372036854775808", "\"\\ud800\"", "\"AAA=\"", "{\"value\":1}", "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[");
    return Arbitraries.oneOf(fragments.list().ofMaxSize(30).map(l -> String.join("", l)),
        Arbitraries.strings().ofMaxLength(200));
  }

  @Property(tries = 150)
  void arbitraryKeysInThePathNeverBreakTheNode(@ForAll("paths") String path) throws IOException {
    String raw = exchange(node(), ("GET /v1/kv/" + path + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        .getBytes(StandardCharsets.ISO_8859_1));
    assertTrue(raw.startsWith("HTTP/1.1 "), "no response for " + path);
    assertSaneResponses(raw, "path " + path);
  }

  @Provide
  Arbitrary<String> paths() {
    return Arbitraries.strings().withChars("abc%/?&=+~.-_09AFfz\u00e9").ofMaxLength(60)
        .map(s -> s.replace("\u00e9", "%C3%A9"))
        .injectDuplicates(0.05);
  }

  @Example
  void oversizedBodyGets413AndTheConnectionCloses() throws IOException {
    byte[] head = ("PUT /v1/kv/big HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 10000000\r\n\r\n")
        .getBytes(StandardCharsets.US_ASCII);
    byte[] body = new byte[200_000];
    byte[] request = new byte[head.length + body.length];
    System.arraycopy(head, 0, request, 0, head.length);
    String raw = exchange(node(), request);
    assertTrue(raw.startsWith("HTTP/1.1 413"), raw);
    assertTrue(raw.contains("\"error\":\"body_too_large\""), raw);
  }

  @Example
  void slowSenderGets408() throws IOException {
    String[] hp = node().split(":");
    try (Socket s = new Socket(hp[0], Integer.parseInt(hp[1]))) {
      s.setSoTimeout(5000);
      long started = System.nanoTime();
      s.getOutputStream().write("GET /v1/kv/slow HT".getBytes(StandardCharsets.US_ASCII));
      String raw = readSome(s.getInputStream());
      long ms = (System.nanoTime() - started) / 1_000_000;
      assertTrue(raw.startsWith("HTTP/1.1 408"), raw);
      assertTrue(raw.contains("request_timeout"), raw);
      assertTrue(ms < 4000, "closed after " + ms + " ms");
    }
  }

  @Example
  void aConnectionThatNeverSendsIsClosedAtTheFirstByteTimeout() throws IOException {
    String[] hp = node().split(":");
    try (Socket s = new Socket(hp[0], Integer.parseInt(hp[1]))) {
      s.setSoTimeout(5000);
      long t0 = System.nanoTime();
      assertEquals(-1, s.getInputStream().read(), "a silent connection is closed without a response");
      long ms = (System.nanoTime() - t0) / 1_000_000;
      assertTrue(ms < 1_000 + 1_000, "closed after " + ms + " ms, the first-byte timeout being 1 s (idle: 2 s)");
    }
  }

  @Example
  void oneAddressCannotTakeEverySlot() throws IOException {
    String[] hp = cluster.httpAddress(1).split(":");
    List<Socket> sockets = new ArrayList<>();
    List<String> answers = new ArrayList<>();
    try {
      for (int i = 0; i < 14; i++) {
        Socket s = new Socket(hp[0], Integer.parseInt(hp[1]));
        s.setSoTimeout(300);
        sockets.add(s);
      }
      for (Socket s : sockets) {
        byte[] b = new byte[2048];
        try {
          int n = s.getInputStream().read(b);
          if (n > 0) {
            answers.add(new String(b, 0, n, StandardCharsets.ISO_8859_1));
          }
        } catch (SocketTimeoutException e) {
          // accepted, waiting for a request
        } catch (IOException e) {
          answers.add("reset: " + e);
        }
      }
    } finally {
      for (Socket s : sockets) {
        s.close();
      }
    }
    assertTrue(answers.stream().anyMatch(a -> a.startsWith("HTTP/1.1 429") && a.contains("from your address")
        && a.toLowerCase(java.util.Locale.ROOT).contains("retry-after: 1")), "14 connections from one address, cap 12 (total cap 16): " + answers);
  }

  @Example
  void connectionFloodIsCappedTheProbesStillAnswerAndTheNodeRecovers() throws IOException {
    String address = cluster.httpAddress(0);
    String[] hp = address.split(":");
    List<Socket> sockets = new ArrayList<>();
    int refused = 0;
    try {
      for (int i = 0; i < 40; i++) {
        Socket s = new Socket(hp[0], Integer.parseInt(hp[1]));
        s.setSoTimeout(300);
        sockets.add(s);
      }
      for (Socket s : sockets) {
        try {
          int b = s.getInputStream().read();
          if (b == -1 || b == 'H') {
            refused++;
          }
        } catch (SocketTimeoutException e) {
          // accepted and waiting for a request
        } catch (IOException e) {
          refused++;
        }
      }
      // The data API is saturated; the operations port is not (its own connections and threads).
      for (String probe : List.of("/health", "/ready", "/metrics")) {
        long t0 = System.nanoTime();
        int status = HttpCalls.get(cluster.opsAddress(0), probe).status();
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertTrue(status == 200 && ms < 1_000 + 2_000, probe + " during the flood: " + status + " in " + ms + " ms");
      }
    } finally {
      for (Socket s : sockets) {
        s.close();
      }
    }
    assertTrue(refused >= 40 - 16, "connections beyond the cap of 16 are turned away: " + refused + " of 40");
    Eventually.assertTrue(Duration.ofSeconds(5), () -> HttpCalls.get(address, "/v1/cluster").status() == 200, "serves again");
  }
}
