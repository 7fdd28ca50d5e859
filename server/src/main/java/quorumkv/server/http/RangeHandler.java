package quorumkv.server.http;

import com.fasterxml.jackson.databind.node.ArrayNode;
import quorumkv.client.KvClient;
import quorumkv.client.KvException;
import quorumkv.client.KvResult;
import quorumkv.raftlog.command.Bytes;
import quorumkv.raftlog.command.Command;
import quorumkv.raftlog.command.KeyValue;

/**
 * {@code GET /v1/kv?prefix=P} or {@code GET /v1/kv?start=A&end=B}: keys in order, at most {@code limit}
 * (default {@link #DEFAULT_LIMIT}; at most the cluster's range limit). {@code end} empty or absent means
 * no upper bound; no parameters list from the first key. {@code more} says the limit cut the listing
 * short: continue with {@code start} just after the last key returned.
 */
final class RangeHandler implements Handler {
  static final int DEFAULT_LIMIT = 100;

  private final CallerClients clients;
  private final String nodeId;

  /** Reads through the node's {@code client}, served by this node, {@code nodeId}. */
  RangeHandler(CallerClients clients, String nodeId) {
    this.clients = clients;
    this.nodeId = nodeId;
  }

  @Override
  public ApiResponse handle(ApiRequest request) throws ApiException {
    request.allowOnly("prefix", "start", "end", "limit", "encoding", "consistency", "min_index");
    KeyCodec.Encoding encoding = KeyCodec.encoding(request);
    String prefix = request.param("prefix");
    String start = request.param("start");
    String end = request.param("end");
    if (prefix != null && (start != null || end != null)) {
      throw ApiException.badRequest("bad_parameter", "give either prefix or start/end, not both");
    }
    long limit = request.longParam("limit", DEFAULT_LIMIT);
    if (limit == 0 || limit > Integer.MAX_VALUE) {
      throw ApiException.badRequest("bad_parameter", "limit must be between 1 and " + Integer.MAX_VALUE);
    }
    Command.Range range;
    if (prefix != null) {
      range = Command.Range.prefix(KeyCodec.paramKey(prefix, encoding, "prefix"), (int) limit);
    } else {
      Bytes from = start == null ? Bytes.EMPTY : KeyCodec.paramKey(start, encoding, "start");
      Bytes to = end == null ? Bytes.EMPTY : KeyCodec.paramKey(end, encoding, "end");
      range = new Command.Range(from, to, (int) limit);
    }
    ReadParams read = ReadParams.of(request);
    KvResult.Range r;
    try {
      r = clients.of(request).range(range.start(), range.end(), range.limit(), read.servedBy(nodeId));
    } catch (KvException e) {
      throw KvErrors.toApi(e, false);
    }
    ArrayNode kvs = Json.array();
    for (KeyValue kv : r.keyValues()) {
      kvs.add(KeyCodec.keyValue(kv, encoding));
    }
    var body = Json.object().put("count", r.keyValues().size()).put("more", r.more()).put("index", r.index());
    body.set("kvs", kvs);
    return ApiResponse.ok(body);
  }
}
