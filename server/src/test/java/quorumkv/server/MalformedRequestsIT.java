package quorumkv.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.EdgeCasesMode;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.ShrinkingMode;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import quorumkv.server.config.ConfigKeys;
import quorumkv.server.http.Json;
import quorumkv.server.testing.ErrLog;
import quorumkv.server.testing.JulRecords;
import quorumkv.server.testing.LocalCluster;

/**
 * Issue 12's fuzzer: {@code quorumkv.fuzz.requests} (10,000 in {@code mvn verify}, 100,000 with
 * {@code -Plong}) jqwik-generated malformed requests against a 3-node cluster, for every route of both
 * HTTP listeners ({@link MalformedHttp}) and for the client (Raft) port ({@link MalformedRaft}): raw
 * bytes below gRPC, and Ratis requests carrying broken command bytes. Every HTTP answer is well formed,
 * has a documented status (never a 500) and, if an error, a JSON body with a code and a message of at
 * most 300 characters that names no Java class and quotes no more than a short prefix of the input;
 * pipelined answers come in order; no connection hangs; no Ratis request with undecodable commands
 * succeeds; no stack trace is logged; and every node serves a put and a get afterwards.
 */
class MalformedRequestsIT {
  private static final int REQUESTS = Integer.getInteger("quorumkv.fuzz.requests", 10_000);
  /** jqwik tries per property; each try sends a batch, so the count scales without more tries. */
  private static final int TRIES = 40;
  private static final Set<Integer> DOCUMENTED = Set.of(200, 400, 404, 405, 408, 409, 413, 414, 415, 417, 429, 431,
      503, 504, 507);
  private static final Pattern CLASS_NAME = Pattern.compile("\\b(?:[a-z][a-z0-9_]*\\.){2,}[A-Z]\\w*");
  /**
   * An inner class's name as Java prints it (KvHandler$PutBody). Not any '$': a message may quote up to 64
   * characters of random input, and CI once saw a '$' among them.
   */
  private static final Pattern INNER_CLASS = Pattern.compile("[A-Z][a-z]{2,}\\w*\\$[A-Z][a-z]{2,}");
  private static final Pattern MARKER = Pattern.compile(Pattern.quote(MalformedHttp.ORDER_MARKER) + "(\\d+)");
  private static final Pattern STACK_TRACE = Pattern.compile("^\\s+at |^Caused by|Exception: |Exception$|^\\s*\\.\\.\\. \\d+ more");

  private static Path dir;
  private static LocalCluster cluster;
  private static RatisCommands ratis;
  private static ErrLog err;
  private static JulRecords jul;
  private static long started;
  private static final AtomicLong sent = new AtomicLong();
  private static final Map<Integer, Integer> statuses = new ConcurrentHashMap<>();

  @BeforeContainer
  static void start() throws IOException {
    dir = Files.createTempDirectory("malformed-requests-it");
    // Plaintext, named so: the HTTP parsing and limits under test are the same behind TLS (HttpTlsIT).
    cluster = LocalCluster.startWithHttp(3, dir, Map.of(ConfigKeys.INSECURE_PLAINTEXT, "true", ConfigKeys.HTTP_MAX_BODY, "64KB",
        ConfigKeys.HTTP_REQUEST_TIMEOUT, "1s", ConfigKeys.HTTP_IDLE_TIMEOUT, "2s", ConfigKeys.HTTP_FIRST_BYTE_TIMEOUT, "1s",
        ConfigKeys.HTTP_CALL_TIMEOUT, "3s"));
    cluster.waitForLeader(Duration.ofSeconds(20));
    assertEquals(200, HttpCalls.putJson(cluster.httpAddress(0), "/v1/kv/fuzz", "{\"value\":\"before\"}").status());
    ratis = new RatisCommands(cluster);
    err = ErrLog.capture();
    jul = JulRecords.capture();
    started = System.nanoTime();
  }

  @AfterContainer
  static void stop() throws IOException {
    if (cluster == null || ratis == null) {
      // start() failed: leave its exception (jqwik reports it) unmasked by a NullPointerException here.
      if (cluster != null) {
        cluster.close();
      }
      if (jul != null) {
        jul.release();
      }
      if (err != null) {
        err.release();
      }
      return;
    }
    long ms = (System.nanoTime() - started) / 1_000_000;
    try {
      jul.release();
      err.release();
      System.out.println("malformed requests: " + sent.get() + " in " + ms + " ms; HTTP statuses " + new TreeMap<>(statuses)
          + "; Raft port lines " + err.lines(Pattern.compile("RaftPortLog")).size());
      for (int i = 0; i < 3; i++) {
        assertEquals(200, HttpCalls.get(cluster.opsAddress(i), "/health").status(), "node " + i + " healthy");
        HttpCalls.Reply put = HttpCalls.putJson(cluster.httpAddress(i), "/v1/kv/after-fuzz-" + i, "{\"value\":\"ok\"}");
        assertEquals(200, put.status(), put.body());
        HttpCalls.Reply get = HttpCalls.get(cluster.httpAddress(i), "/v1/kv/after-fuzz-" + i);
        assertEquals("ok", get.json().get("value").asText(), get.body());
      }
      assertEquals(List.of(), jul.withStackTrace(), "gRPC records printed with a stack trace");
      List<String> traces = err.lines(STACK_TRACE).stream().filter(l -> !l.contains("quorumkv.server.ratis.RaftPortLog"))
          .limit(40).toList();
      assertEquals(List.of(), traces, "stack traces in the log");
    } finally {
      ratis.close();
      cluster.close();
    }
  }

  private static int batch(double share) {
    return Math.max(1, (int) Math.round(REQUESTS * share / TRIES));
  }

  @Provide
  Arbitrary<List<MalformedHttp.Case>> httpBatch() {
    return MalformedHttp.cases().list().ofSize(batch(0.7));
  }

  @Provide
  Arbitrary<List<byte[]>> raftPortBatch() {
    return MalformedRaft.connections().list().ofSize(batch(0.1));
  }

  @Provide
  Arbitrary<List<MalformedRaft.CommandCase>> commandBatch() {
    return MalformedRaft.commands().list().ofSize(batch(0.2));
  }

  @Property(tries = TRIES, shrinking = ShrinkingMode.OFF, edgeCases = EdgeCasesMode.NONE)
  void everyHttpAnswerIsWellFormedDocumentedAndShort(@ForAll("httpBatch") List<MalformedHttp.Case> cases)
      throws IOException {
    for (MalformedHttp.Case c : cases) {
      int node = (int) (sent.incrementAndGet() % 3);
      String address = c.ops() ? cluster.opsAddress(node) : cluster.httpAddress(node);
      try {
        check(c, HttpWire.exchange(address, c.bytes(), c.requests(), c.halfClose(), c.lastIsHead(), 5_000));
      } catch (AssertionError e) {
        throw new AssertionError(e.getMessage() + "\nsent: " + c.what(), e);
      }
    }
  }

  @Property(tries = TRIES, shrinking = ShrinkingMode.OFF, edgeCases = EdgeCasesMode.NONE)
  void garbageOnTheRaftPortIsClosed(@ForAll("raftPortBatch") List<byte[]> connections) throws IOException {
    for (byte[] bytes : connections) {
      int node = (int) (sent.incrementAndGet() % 3);
      assertTrue(MalformedRaft.closedByNode("127.0.0.1", cluster.config(node).bindPort(), bytes),
          "the Raft port of node " + node + " neither answered nor closed within 5 s after " + bytes.length + " bytes");
    }
  }

  @Property(tries = TRIES, shrinking = ShrinkingMode.OFF, edgeCases = EdgeCasesMode.NONE)
  void ratisRequestsWithBrokenCommandsAreRefused(@ForAll("commandBatch") List<MalformedRaft.CommandCase> cases) {
    for (MalformedRaft.CommandCase c : cases) {
      sent.incrementAndGet();
      ratis.sendAndCheck(c);
    }
  }

  private static void check(MalformedHttp.Case c, HttpWire.Answers answers) {
    assertFalse(answers.timedOut(), "no answer and no close within 5 s: " + c.what() + "\ngot: "
        + HttpWire.abbreviate(answers.raw()));
    List<Integer> order = new ArrayList<>();
    for (int i = 0; i < answers.responses().size(); i++) {
      HttpWire.Response r = answers.responses().get(i);
      statuses.merge(r.status(), 1, Integer::sum);
      String where = r.status() + " for " + c.what() + "\nbody: " + HttpWire.abbreviate(r.text());
      assertTrue(DOCUMENTED.contains(r.status()), "undocumented status " + where);
      if (r.status() >= 400 && !(c.lastIsHead() && i == c.requests() - 1)) {
        checkErrorBody(r, where);
      }
      Matcher m = MARKER.matcher(r.text());
      if (m.find()) {
        order.add(Integer.parseInt(m.group(1)));
      }
    }
    assertEquals(order.stream().sorted().toList(), order, "pipelined answers out of order: " + c.what());
  }

  private static void checkErrorBody(HttpWire.Response r, String where) {
    assertTrue(r.headers().getOrDefault("content-type", "").startsWith("application/json"), "not JSON: " + where);
    String text = r.text();
    JsonNode body;
    try {
      body = Json.MAPPER.readTree(text);
    } catch (IOException e) {
      throw new AssertionError("an error body that does not parse: " + where, e);
    }
    assertTrue(body != null && body.path("error").isTextual() && body.path("error").asText().matches("[a-z_]+"),
        "no error code: " + where);
    assertTrue(body.path("message").isTextual() && body.path("message").asText().length() <= 300,
        "message missing or over 300 characters: " + where);
    assertFalse(INNER_CLASS.matcher(text).find() || text.contains("java.") || text.contains("Exception")
        || CLASS_NAME.matcher(text).find(),
        "an error body names a Java class: " + where);
    assertFalse(text.contains(MalformedHttp.ECHO), "an error body echoes more than a short prefix: " + where);
  }
}
