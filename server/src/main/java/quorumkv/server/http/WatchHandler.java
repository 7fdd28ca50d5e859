package quorumkv.server.http;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Semaphore;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import quorumkv.raftlog.command.Bytes;
import quorumkv.raftlog.command.ErrorCode;
import quorumkv.raftlog.command.Event;
import quorumkv.server.watch.WatchHub;

/**
 * {@code GET /v1/watch?key=K} or {@code ?prefix=P}, with {@code start_revision=N} (absent: from now) and
 * {@code timeout} ({@code 500ms}, {@code 30s}; default 30 s, at most {@link #MAX_TIMEOUT_MS} ms): a long poll. It answers as soon as changes from {@code rev} on exist (the first batch, whole revisions),
 * or with none when the timeout passes; {@code next} is the {@code start_revision} of the following poll, so polling
 * with it misses nothing and repeats nothing. A start revision the change history no longer holds gets 410
 * {@code compacted} with the {@code oldest} revision kept. {@code prev=true} adds each change's previous
 * key-value. The caller needs read access to the key or prefix.
 *
 * <p>Each waiting poll holds a worker thread, so at most half of {@code quorumkv.http.workers} poll at once
 * (more get 429) and the data API keeps the rest; services use the client library's watch stream, which
 * costs no thread per watch.
 */
final class WatchHandler implements Handler {
  static final String PATH = "/v1/watch";
  static final long DEFAULT_TIMEOUT_MS = 30_000;
  /** With the watch creation wait (up to 8 s), below the connection idle timeout's default (60 s): a waiting poll is never cut as idle. */
  static final long MAX_TIMEOUT_MS = 45_000;

  private final WatchHub hub;
  private final CallerClients clients;
  private final Semaphore polls;
  private final int maxPolls;

  WatchHandler(WatchHub hub, CallerClients clients, int workers) {
    this.hub = hub;
    this.clients = clients;
    this.maxPolls = Math.max(1, workers / 2);
    this.polls = new Semaphore(maxPolls);
  }

  @Override
  public ApiResponse handle(ApiRequest request) throws ApiException {
    request.allowOnly("key", "prefix", "start_revision", "timeout", "prev", "encoding");
    KeyCodec.Encoding encoding = KeyCodec.encoding(request);
    String key = request.param("key");
    String prefix = request.param("prefix");
    if ((key == null) == (prefix == null)) {
      throw ApiException.badRequest("bad_parameter", "give either key or prefix (an empty prefix watches every key)");
    }
    Bytes watched = key != null ? KeyCodec.paramKey(key, encoding, "key")
        : prefix.isEmpty() ? Bytes.EMPTY : KeyCodec.paramKey(prefix, encoding, "prefix");
    long rev = request.longParam("start_revision", 0);
    if (rev < 0) {
      throw ApiException.badRequest("bad_parameter", "start_revision must be 1 or more (absent: from now)");
    }
    long timeoutMs = timeoutMillis(request.param("timeout"));
    String prev = request.param("prev");
    if (prev != null && !prev.equals("true") && !prev.equals("false")) {
      throw ApiException.badRequest("bad_parameter", "prev must be true or false");
    }
    if (!polls.tryAcquire()) {
      throw new ApiException(429, "overloaded", "this node serves at most " + maxPolls + " watch polls at once; "
          + "retry later, or use the client library's watch stream");
    }
    WatchHub.Poll poll;
    try {
      poll = hub.poll(clients.caller(request), watched, prefix != null, rev, "true".equals(prev),
          Duration.ofMillis(timeoutMs));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ApiException(503, "unavailable", "the node is stopping; retry on another node");
    } finally {
      polls.release();
    }
    if (poll.error() != null) {
      return ended(poll);
    }
    ArrayNode events = Json.array();
    for (Event e : poll.events()) {
      ObjectNode n = Json.object().put("type", e.type().name().toLowerCase(Locale.ROOT)).put("revision", e.revision());
      n.set("kv", KeyCodec.keyValue(e.kv(), encoding));
      if (e.previous() != null) {
        n.set("prev_kv", KeyCodec.keyValue(e.previous(), encoding));
      }
      events.add(n);
    }
    ObjectNode body = Json.object().put("next", poll.next());
    body.set("events", events);
    return ApiResponse.ok(body);
  }

  private static final Pattern TIMEOUT = Pattern.compile("(\\d{1,9})(ms|s)");

  private static long timeoutMillis(String text) throws ApiException {
    if (text == null) {
      return DEFAULT_TIMEOUT_MS;
    }
    Matcher m = TIMEOUT.matcher(text);
    long ms = !m.matches() ? -1 : Long.parseLong(m.group(1)) * (m.group(2).equals("s") ? 1000 : 1);
    if (ms < 0 || ms > MAX_TIMEOUT_MS) {
      throw ApiException.badRequest("bad_parameter", "timeout must be a duration like 500ms or 30s, at most "
          + MAX_TIMEOUT_MS / 1000 + "s; got '" + Quote.of(text) + "'");
    }
    return ms;
  }

  private static ApiResponse ended(WatchHub.Poll poll) throws ApiException {
    ErrorCode code = poll.error();
    if (code == ErrorCode.COMPACTED) {
      ObjectNode body = Json.object().put("error", "compacted").put("message", ErrorText.forBody(poll.message()))
          .put("oldest", poll.oldest());
      return ApiResponse.json(410, body);
    }
    if (code == ErrorCode.PERMISSION_DENIED) {
      throw new ApiException(403, "permission_denied", poll.message());
    }
    if (code == ErrorCode.INVALID_ARGUMENT) {
      throw ApiException.badRequest("bad_parameter", poll.message());
    }
    throw new ApiException(503, "unavailable", "retry, here or on another node: " + poll.message());
  }
}
