package quorumkv.server.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;
import quorumkv.client.KvClient;
import quorumkv.client.KvException;
import quorumkv.client.KvResult;
import quorumkv.raftlog.command.Bytes;
import quorumkv.raftlog.command.Command;
import quorumkv.raftlog.command.Guard;
import quorumkv.raftlog.command.Result;

/**
 * {@code /v1/kv/<key>}: GET reads one key, PUT writes it (compare-and-set with {@code prev_revision=N},
 * where 0 means "absent"), DELETE deletes it (conditionally with {@code prev_revision}). Writes go through
 * the node's {@link KvClient} (exactly once, following the leader); reads go through the same client,
 * aimed at this node ({@link ReadParams#servedBy}), so the node that got a read serves it. See {@link KeyCodec} for how keys and values are encoded.
 */
final class KvHandler implements Handler {
  static final String PREFIX = "/v1/kv/";

  /** A PUT body in JSON. */
  record PutBody(String value, String valueBase64) {}

  private final CallerClients clients;
  private final String nodeId;

  KvHandler(CallerClients clients, String nodeId) {
    this.clients = clients;
    this.nodeId = nodeId;
  }

  @Override
  public ApiResponse handle(ApiRequest request) throws ApiException {
    return switch (request.method()) {
      case "GET" -> get(request);
      case "PUT" -> put(request);
      case "DELETE" -> delete(request);
      default -> throw new ApiException(405, "method_not_allowed", Quote.of(request.method()) + " is not allowed here");
    };
  }

  private static Bytes key(ApiRequest request, KeyCodec.Encoding encoding) throws ApiException {
    Bytes key = KeyCodec.urlKey(request.path().substring(PREFIX.length()), encoding, "key");
    if (key.isEmpty()) {
      throw ApiException.badRequest("bad_key", "empty key; list keys with GET /v1/kv?prefix=...");
    }
    return key;
  }

  private ApiResponse get(ApiRequest request) throws ApiException {
    request.allowOnly("encoding", "consistency", "min_index");
    KeyCodec.Encoding encoding = KeyCodec.encoding(request);
    Bytes key = key(request, encoding);
    ReadParams read = ReadParams.of(request);
    KvResult.Get r;
    try {
      r = clients.of(request).get(key, read.servedBy(nodeId));
    } catch (KvException e) {
      throw KvErrors.toApi(e, false);
    }
    if (!r.isPresent()) {
      ObjectNode body = Json.object().put("error", "not_found").put("message", "no such key").put("index", r.index());
      return ApiResponse.json(404, body);
    }
    return ApiResponse.ok(KeyCodec.keyValue(r.keyValue(), encoding).put("index", r.index()));
  }

  private ApiResponse put(ApiRequest request) throws ApiException {
    request.allowOnly("encoding", "prev_revision");
    KeyCodec.Encoding encoding = KeyCodec.encoding(request);
    Bytes key = key(request, encoding);
    Bytes value = value(request);
    String prev = request.param("prev_revision");
    if (prev == null) {
      KvResult.Put r = write(() -> clients.of(request).put(key, value));
      return ApiResponse.ok(Json.object().put("revision", r.revision()).put("index", r.index())
          .set("previous", KeyCodec.keyValue(r.previous(), encoding)));
    }
    long expected = request.longParam("prev_revision", 0);
    KvResult.Cas r = write(() -> clients.of(request).compareAndSet(key, expected, value));
    ObjectNode body = Json.object().put("succeeded", r.succeeded()).put("index", r.index());
    if (r.succeeded()) {
      body.put("revision", r.revision());
    } else {
      body.put("error", "compare_failed").put("message", "the key's mod revision is not " + expected);
    }
    body.set("current", KeyCodec.keyValue(r.current(), encoding));
    return ApiResponse.json(r.succeeded() ? 200 : 409, body);
  }

  private ApiResponse delete(ApiRequest request) throws ApiException {
    request.allowOnly("encoding", "prev_revision");
    KeyCodec.Encoding encoding = KeyCodec.encoding(request);
    Bytes key = key(request, encoding);
    String prev = request.param("prev_revision");
    if (prev == null) {
      KvResult.Delete r = write(() -> clients.of(request).delete(key));
      return ApiResponse.ok(Json.object().put("deleted", r.deleted()).put("revision", r.revision()).put("index", r.index())
          .set("previous", KeyCodec.keyValue(r.previous(), encoding)));
    }
    long expected = request.longParam("prev_revision", 0);
    Command.Txn txn = new Command.Txn(List.of(Guard.modRevisionIs(key, expected)), List.of(new Command.Delete(key)),
        List.of(new Command.Get(key)));
    KvResult.Txn t = write(() -> clients.of(request).txn(txn));
    if (!t.succeeded()) {
      Result.GetResult current = (Result.GetResult) t.results().get(0);
      ObjectNode body = Json.object().put("error", "compare_failed")
          .put("message", "the key's mod revision is not " + expected).put("index", t.index());
      body.set("current", KeyCodec.keyValue(current.kv(), encoding));
      return ApiResponse.json(409, body);
    }
    Result.DeleteResult r = (Result.DeleteResult) t.results().get(0);
    return ApiResponse.ok(Json.object().put("deleted", r.deleted()).put("revision", r.revision()).put("index", t.index())
        .set("previous", KeyCodec.keyValue(r.previous(), encoding)));
  }

  /** The value: a JSON body ({@code value} or {@code value_base64}), or the raw body for octet-stream and text. */
  private static Bytes value(ApiRequest request) throws ApiException {
    String type = request.contentType() == null ? "" : request.contentType().toLowerCase(Locale.ROOT);
    if (type.startsWith("application/json")) {
      PutBody body = Json.parse(request.body(), PutBody.class);
      return KeyCodec.bodyBytes(body.value(), body.valueBase64(), "value", true);
    }
    if (type.startsWith("application/octet-stream") || type.startsWith("text/plain")) {
      return Bytes.copyOf(request.body());
    }
    throw new ApiException(415, "unsupported_media_type", "send the value as application/json {\"value\": ...}, "
        + "application/octet-stream or text/plain (raw bytes); got '" + Quote.of(request.contentType()) + "'");
  }

  private static <T extends KvResult> T write(Supplier<T> call) throws ApiException {
    try {
      return call.get();
    } catch (KvException e) {
      throw KvErrors.toApi(e, true);
    }
  }
}
