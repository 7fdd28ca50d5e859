package quorumkv.server;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;

/**
 * jqwik generators of broken HTTP/1.1 for every route of both listeners (README's "HTTP API" table):
 * wrong and made-up methods; paths and query parameters broken, percent-mangled or over-long; bodies
 * that are bad JSON, random bytes or too big, under every content type; lengths missing, wrong or
 * unparsable, chunking broken; headers without names or colons, over-long, repeated; Expect values;
 * bad versions and line endings; truncations, raw garbage and pipelines of all of these.
 *
 * <p>Never generated: a request that would legitimately change the cluster's membership or leader, or a
 * backup (member ids are never n1..n3, admin bodies never name a member, backups get a bad parameter).
 */
final class MalformedHttp {
  /** One connection's bytes and how to read the answers. */
  record Case(boolean ops, byte[] bytes, int requests, boolean halfClose, boolean lastIsHead, String what) {}

  /** A filler for over-long input; an answer quoting {@link #ECHO} echoes more than a short prefix. */
  static final String FILLER = "Zq";
  static final String ECHO = FILLER.repeat(40);
  /** Markers in pipelined requests: their 404 bodies must come back in the order sent. */
  static final String ORDER_MARKER = "/fuzz-order-";

  /** A resource: which listener, its path, and what may follow it ("key", "member" or nothing). */
  private record Route(boolean ops, String path, String tail) {}

  private static final List<Route> ROUTES = List.of(
      new Route(false, "/v1/kv/", "key"), new Route(false, "/v1/kv", ""), new Route(false, "/v1/txn", ""),
      new Route(false, "/v1/cluster", ""), new Route(false, "/v1/cluster/members", ""),
      new Route(false, "/v1/cluster/members/", "member"), new Route(false, "/v1/cluster/leader", ""),
      new Route(false, "/v1/backup", ""), new Route(false, "/health", ""), new Route(false, "/ready", ""),
      new Route(false, "/metrics", ""), new Route(true, "/health", ""), new Route(true, "/ready", ""),
      new Route(true, "/metrics", ""), new Route(true, "/v1/kv/", "key"), new Route(false, "/", ""),
      new Route(false, "/v2/kv", ""), new Route(false, "", ""));

  /** Printable ASCII without '$' (an error body must never show one, and may quote a short prefix). */
  private static final String PRINTABLE = printable();

  /** How a body is framed. The last four leave the node waiting for bytes: those connections half-close. */
  private enum Framing { LENGTH, NONE, SHORT_LENGTH, CHUNKED, LONG_LENGTH, BAD_LENGTH, TWO_LENGTHS, BAD_CHUNKS;
    boolean leavesNodeWaiting() {
      return ordinal() >= LONG_LENGTH.ordinal();
    }
  }

  private record Request(Route route, String method, String target, String version, List<String> headers,
      byte[] body, Framing framing, String eol) {}

  private MalformedHttp() {}

  static Arbitrary<Case> cases() {
    return Arbitraries.frequencyOf(
        Tuple.of(12, request(true).map(MalformedHttp::single)),
        Tuple.of(3, request(false).list().ofMinSize(1).ofMaxSize(4).map(MalformedHttp::pipeline)),
        Tuple.of(2, Arbitraries.bytes().array(byte[].class).ofMaxSize(2000).map(b -> raw(b, "random bytes"))),
        Tuple.of(2, request(true).flatMap(r -> Arbitraries.integers().between(1, 400).flatMap(cut ->
            Arbitraries.bytes().array(byte[].class).ofMaxSize(30).map(noise -> truncated(r, cut, noise))))));
  }

  private static Case single(Request r) {
    return new Case(r.route().ops(), bytes(r, true), 1, r.framing().leavesNodeWaiting(), r.method().equals("HEAD"),
        describe(r));
  }

  /** Each request behind a marker request; only the last asks to close. */
  private static Case pipeline(List<Request> requests) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    StringBuilder what = new StringBuilder("pipeline:");
    for (int i = 0; i < requests.size(); i++) {
      String marker = "GET " + ORDER_MARKER + i + " HTTP/1.1\r\nHost: x\r\n\r\n";
      out.writeBytes(marker.getBytes(StandardCharsets.US_ASCII));
      out.writeBytes(bytes(requests.get(i), i == requests.size() - 1));
      what.append(" | ").append(describe(requests.get(i)));
    }
    return new Case(false, out.toByteArray(), 2 * requests.size(), false, false, what.toString());
  }

  private static Case raw(byte[] bytes, String what) {
    return new Case(false, bytes, 1, true, false, what);
  }

  private static Case truncated(Request r, int cut, byte[] noise) {
    byte[] whole = bytes(r, true);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(whole, 0, Math.min(cut, whole.length));
    out.writeBytes(noise);
    return new Case(r.route().ops(), out.toByteArray(), 1, true, r.method().equals("HEAD"),
        "cut at " + cut + " + noise: " + describe(r));
  }

  /** {@code mayBeHead}: HEAD only where the reader knows its answer has no body (alone on its connection). */
  private static Arbitrary<Request> request(boolean single) {
    Arbitrary<Route> route = Arbitraries.of(ROUTES);
    Arbitrary<String> method = single ? method() : method().filter(m -> !m.equals("HEAD"));
    Arbitrary<Framing> framing = single ? Arbitraries.of(Framing.class)
        : Arbitraries.of(Framing.LENGTH, Framing.CHUNKED);
    return Combinators.combine(route, method, query(), version(), headers(single), body(), framing,
        Arbitraries.of("\r\n", "\r\n", "\r\n", "\n")).flatAs((rt, m, q, v, h, b, f, eol) ->
        tail(rt).map(t -> new Request(rt, m, target(rt, m, t, q), v, h, adminSafe(rt, b), f, eol)));
  }

  private static String target(Route route, String method, String tail, String query) {
    if (route.path().equals("/v1/backup") && query.isEmpty()) {
      query = "bogus=1";   // a valid GET would write a whole backup
    }
    return route.path() + tail + (query.isEmpty() ? "" : "?" + query);
  }

  /** Membership and leader bodies never carry a member field, so none is ever a valid change. */
  private static byte[] adminSafe(Route route, byte[] body) {
    String text = new String(body, StandardCharsets.ISO_8859_1);
    boolean admin = route.path().startsWith("/v1/cluster/");
    return admin && (text.contains("\"id\"") || text.contains("\"to\"")) ? "{\"id\":".getBytes(StandardCharsets.US_ASCII) : body;
  }

  private static Arbitrary<String> tail(Route route) {
    return switch (route.tail()) {
      case "key" -> Arbitraries.oneOf(
          Arbitraries.strings().withChars("abc%/?&=+~.-_09AFfz#;").ofMaxLength(40).map(k -> "fuzz" + k),
          Arbitraries.of("", "%zz", "%", "%C3", "%ff%fe", "%00", "%2", "..", "%2e%2e/", "a%2Fb", "%C3%A9", "\u00e9"),
          filler(4_000, 5_000), filler(17_000, 18_000));
      // ids that no percent-decoding turns into n1..n3: removing or demoting a real member is no malformed request
      case "member" -> Arbitraries.oneOf(Arbitraries.of("n9", "", "x", "%zz", "%", "%00", "n4/promote", "n4/demote",
          "n9/x/y", "%C3%A9", "..", "n9/", "/", "n9?x", "n9%2Fpromote"), filler(200, 300));
      default -> Arbitraries.of("", "", "", "/", "//", "%", "%zz", "x", "/..", "?", "#");
    };
  }

  private static Arbitrary<String> method() {
    return Arbitraries.frequencyOf(
        Tuple.of(8, Arbitraries.of("GET", "PUT", "POST", "DELETE")),
        Tuple.of(1, Arbitraries.of("HEAD")),
        Tuple.of(2, Arbitraries.of("PATCH", "OPTIONS", "TRACE", "CONNECT", "get", "Put", "FOO", "M-SEARCH", "GE T", "")),
        Tuple.of(1, Arbitraries.strings().withChars(PRINTABLE).ofMinLength(1).ofMaxLength(12)),
        Tuple.of(1, filler(3_000, 20_000)));
  }

  private static Arbitrary<String> query() {
    Arbitrary<String> name = Arbitraries.of("encoding", "consistency", "min_index", "prev_revision", "prefix", "start",
        "end", "limit", "bogus", "", "%zz", "%C3%A9", "a+b");
    // Small numbers only: min_index=99999 would wait out the call timeout, a legitimate 503.
    Arbitrary<String> value = Arbitraries.oneOf(Arbitraries.of("", "base64", "follower", "linearizable", "weird",
        "-1", "0", "1", "abc", "99999999999999999999", "1e3", "%zz", "%", "%C3%A9", "%ff", "a+b", "=", "fuzz"),
        filler(50, 400));
    Arbitrary<String> pair = Combinators.combine(name, value, Arbitraries.of("=", "=", "", "==")).as((n, v, eq) -> n + eq + v);
    return Arbitraries.oneOf(pair.list().ofMaxSize(4).map(l -> String.join("&", l)),
        Arbitraries.of("", "", "&&", "=", "?", "a=b=c", "&=&"));
  }

  private static Arbitrary<String> version() {
    return Arbitraries.frequencyOf(Tuple.of(20, Arbitraries.just("HTTP/1.1")),
        Tuple.of(2, Arbitraries.of("HTTP/1.0", "HTTP/2.0", "HTTP/1.2", "HTTP/9.9", "FOO/1.1", "HTTP/1.1 x", "http/1.1",
            "HTTP/1.", "")));
  }

  private static Arbitrary<List<String>> headers(boolean single) {
    Arbitrary<String> contentType = Arbitraries.of("application/json", "application/json", "application/octet-stream",
        "text/plain", "text/html", "", "application/json; charset=utf-16", "multipart/form-data; boundary=x", ";;;")
        .map(t -> "Content-Type: " + t);
    List<String> bad = new ArrayList<>(List.of("X-No-Colon", ": no-name", "Bad Name: v", " folded-continuation",
        "X-Nul: a\u0000b", "Expect: teapot", "Expect: 100-continue", "Host: a", "Transfer-Encoding: gzip",
        "Connection: keep-alive, Upgrade", "Upgrade: h2c", "X-Latin1: \u00e9\u00ff", "Accept: */*"));
    Arbitrary<String> badHeader = Arbitraries.oneOf(Arbitraries.of(bad), filler(100, 300).map(f -> "Expect: " + f),
        filler(17_000, 18_000).map(f -> "X-Long: " + f), Arbitraries.strings().withChars(PRINTABLE + "\t").ofMaxLength(60));
    // In a pipeline a closing header would end it early: keep only those that leave the stream in sync.
    Arbitrary<String> extra = single ? badHeader : Arbitraries.of("Accept: */*", "Host: a", "X-Latin1: \u00e9\u00ff");
    return Combinators.combine(contentType, extra.list().ofMaxSize(3)).as((ct, more) -> {
      List<String> all = new ArrayList<>(List.of("Host: x", ct));
      all.addAll(more);
      return all;
    });
  }

  private static Arbitrary<byte[]> body() {
    Arbitrary<String> fragments = Arbitraries.of("{", "}", "[", "]", "\"value\"", "\"value_base64\"", ":", ",", "\"x\"",
        "null", "1e999999", "-", "\"\\u", "{\"value\":", "\"key\"", "\"op\":\"put\"", "\"compare\":", "\"success\":",
        "true", "\"=\"", "\"number\":", "9223372036854775808", "\"\\ud800\"", "\"AAA=\"", "{\"value\":1}",
        "\"role\":\"voter\"", "\"address\":\"h:1\"", "[".repeat(40));
    return Arbitraries.oneOf(
        fragments.list().ofMaxSize(25).map(l -> utf8(String.join("", l))),
        Arbitraries.of("", "{\"value\":\"v\"}", "{\"value_base64\":\"!!\"}", "{}", "[]", "null").map(MalformedHttp::utf8),
        Arbitraries.strings().withChars(PRINTABLE).ofMaxLength(200).map(MalformedHttp::utf8),
        Arbitraries.bytes().array(byte[].class).ofMaxSize(200),
        filler(66_000, 70_000).map(MalformedHttp::utf8));
  }

  private static Arbitrary<String> filler(int min, int max) {
    return Arbitraries.integers().between(min / 2, max / 2).map(FILLER::repeat);
  }

  /** The request's bytes: line, headers, framing of the body; {@code last} asks the node to close after it. */
  private static byte[] bytes(Request r, boolean last) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    String eol = r.eol();
    StringBuilder head = new StringBuilder(r.method()).append(' ').append(r.target());
    head.append(r.version().isEmpty() ? "" : " " + r.version()).append(eol);
    for (String h : r.headers()) {
      head.append(h).append(eol);
    }
    byte[] body = r.body();
    switch (r.framing()) {
      case LENGTH -> head.append("Content-Length: ").append(body.length).append(eol);
      case SHORT_LENGTH -> head.append("Content-Length: ").append(body.length / 2).append(eol);
      case LONG_LENGTH -> head.append("Content-Length: ").append(body.length + 1 + body.length % 500).append(eol);
      case BAD_LENGTH -> head.append("Content-Length: ").append(List.of("abc", "-1", "1, 2", "0x10", "+5",
          "99999999999999999999").get(body.length % 6)).append(eol);
      case TWO_LENGTHS -> head.append("Content-Length: ").append(body.length).append(eol)
          .append("Content-Length: ").append(body.length + 3).append(eol);
      case CHUNKED, BAD_CHUNKS -> head.append("Transfer-Encoding: chunked").append(eol);
      case NONE -> { }
    }
    if (last) {
      head.append("Connection: close").append(eol);
    }
    head.append(eol);
    out.writeBytes(head.toString().getBytes(StandardCharsets.UTF_8));
    if (r.framing() == Framing.CHUNKED) {
      out.writeBytes(utf8(Integer.toHexString(body.length) + "\r\n"));
      out.writeBytes(body);
      out.writeBytes(utf8(body.length == 0 ? "\r\n" : "\r\n0\r\n\r\n"));
    } else if (r.framing() == Framing.BAD_CHUNKS) {
      out.writeBytes(utf8("zz\r\n"));
      out.writeBytes(body);
    } else {
      out.writeBytes(body);
    }
    return out.toByteArray();
  }

  private static String describe(Request r) {
    String head = r.method() + " " + r.target() + " " + r.version() + " " + r.headers() + " " + r.framing() + " body "
        + r.body().length + " bytes";
    return (r.route().ops() ? "ops: " : "data: ") + HttpWire.abbreviate(head.replace("\r", "\\r").replace("\n", "\\n"));
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static String printable() {
    StringBuilder s = new StringBuilder();
    for (char c = ' '; c <= '~'; c++) {
      if (c != '$') {
        s.append(c);
      }
    }
    return s.toString();
  }
}
