package quorumkv.server.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Locale;
import quorumkv.raftlog.command.Bytes;
import quorumkv.raftlog.command.Command;
import quorumkv.raftlog.command.Guard;
import quorumkv.raftlog.command.Response;
import quorumkv.raftlog.command.Result;
import quorumkv.server.gateway.ClusterGateway;
import quorumkv.server.gateway.GatewayException;

/**
 * {@code /v1/kv/<key>}: GET reads one key, PUT writes it (compare-and-set with {@code prev_revision=N},
 * where 0 means "absent"), DELETE deletes it (conditionally with {@code prev_revision}). See
 * {@link KeyCodec} for how keys and values are encoded.
 */
final class KvHandler implements Handler {
  static final String PREFIX = "/v1/kv/";

  /** A PUT body in JSON. */
  record PutBody(String value, String valueBase64) {}

  private final ClusterGateway gateway;

  KvHandler(ClusterGateway gateway) {
    this.gateway = gateway;
  }

  @Override
  public ApiResponse handle(ApiRequest request) throws ApiException {
    return switch (request.method()) {
      case "GET" -> get(request);
      case "PUT" -> put(request);
      case "DELETE" -> delete(request);
      default -> throw new ApiException(405, "method_not_allowed", request.method() + " is not allowed here");
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
    ReadOptions read = ReadOptions.of(request);
    Response.Ok ok;
    try {
      ok = gateway.read(List.of(new Command.Get(key)), read.consistency(), read.minIndex());
    } catch (GatewayException e) {
      throw GatewayErrors.toApi(e, false);
    }
    Result.GetResult r = (Result.GetResult) ok.results().get(0);
    if (r.kv() == null) {
      ObjectNode body = Json.object().put("error", "not_found").put("message", "no such key").put("index", ok.index());
      return ApiResponse.json(404, body);
    }
    return ApiResponse.ok(KeyCodec.keyValue(r.kv(), encoding).put("index", ok.index()));
  }

  private ApiResponse put(ApiRequest request) throws ApiException {
    request.allowOnly("encoding", "prev_revision");
    KeyCodec.Encoding encoding = KeyCodec.encoding(request);
    Bytes key = key(request, encoding);
    Bytes value = value(request);
    String prev = request.param("prev_revision");
    if (prev == null) {
      Response.Ok ok = write(new Command.Put(key, value));
      Result.PutResult r = (Result.PutResult) ok.results().get(0);
      return ApiResponse.ok(Json.object().put("revision", r.revision()).put("index", ok.index())
          .set("previous", KeyCodec.keyValue(r.previous(), encoding)));
    }
    long expected = request.longParam("prev_revision", 0);
    Response.Ok ok = write(new Command.CompareAndSet(key, new Command.Expected.Revision(expected), value));
    Result.CasResult r = (Result.CasResult) ok.results().get(0);
    ObjectNode body = Json.object().put("succeeded", r.succeeded()).put("index", ok.index());
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
      Response.Ok ok = write(new Command.Delete(key));
      Result.DeleteResult r = (Result.DeleteResult) ok.results().get(0);
      return ApiResponse.ok(Json.object().put("deleted", r.deleted()).put("revision", r.revision()).put("index", ok.index())
          .set("previous", KeyCodec.keyValue(r.previous(), encoding)));
    }
    long expected = request.longParam("prev_revision", 0);
    Command.Txn txn = new Command.Txn(List.of(Guard.modRevisionIs(key, expected)), List.of(new Command.Delete(key)),
        List.of(new Command.Get(key)));
    Response.Ok ok = write(txn);
    Result.TxnResult t = (Result.TxnResult) ok.results().get(0);
    if (!t.succeeded()) {
      Result.GetResult current = (Result.GetResult) t.results().get(0);
      ObjectNode body = Json.object().put("error", "compare_failed")
          .put("message", "the key's mod revision is not " + expected).put("index", ok.index());
      body.set("current", KeyCodec.keyValue(current.kv(), encoding));
      return ApiResponse.json(409, body);
    }
    Result.DeleteResult r = (Result.DeleteResult) t.results().get(0);
    return ApiResponse.ok(Json.object().put("deleted", r.deleted()).put("revision", r.revision()).put("index", ok.index())
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
        + "application/octet-stream or text/plain (raw bytes); got '" + request.contentType() + "'");
  }

  private Response.Ok write(Command command) throws ApiException {
    try {
      return gateway.write(List.of(command));
    } catch (GatewayException e) {
      throw GatewayErrors.toApi(e, true);
    }
  }
}
