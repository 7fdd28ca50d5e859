package quorumkv.server.http;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import quorumkv.client.KvClient;
import quorumkv.client.KvException;
import quorumkv.client.KvResult;
import quorumkv.raftlog.command.Bytes;
import quorumkv.raftlog.command.Command;
import quorumkv.raftlog.command.Guard;
import quorumkv.raftlog.command.KeyValue;
import quorumkv.raftlog.command.Result;

/**
 * {@code POST /v1/txn}: an atomic transaction in etcd's shape, in one log entry.
 *
 * <pre>
 * {"compare": [{"key": "k", "target": "mod_revision", "op": "=", "number": 5}],
 *  "success": [{"op": "put", "key": "k", "value": "v"}, {"op": "get", "key": "other"}],
 *  "failure": [{"op": "range", "prefix": "k/", "limit": 10}]}
 * </pre>
 *
 * Targets: {@code version}, {@code create_revision}, {@code mod_revision} (with {@code number}),
 * {@code value} (with {@code value}/{@code value_base64}); ops {@code = != < >}. Operations: {@code get},
 * {@code put}, {@code delete}, {@code range} ({@code prefix} or {@code start}/{@code end}, {@code limit}).
 * Keys and values as in {@link KeyCodec}. Runs through the node's {@link KvClient}, exactly once. The reply: {@code succeeded}, {@code index} and one result per
 * operation of the branch that ran.
 */
final class TxnHandler implements Handler {
  record TxnBody(List<CompareBody> compare, List<OpBody> success, List<OpBody> failure) {}

  record CompareBody(String key, String keyBase64, String target, String op, Long number, String value,
      String valueBase64) {}

  record OpBody(String op, String key, String keyBase64, String value, String valueBase64, String prefix,
      String prefixBase64, String start, String startBase64, String end, String endBase64, Integer limit) {}

  private final CallerClients clients;

  TxnHandler(CallerClients clients) {
    this.clients = clients;
  }

  @Override
  public ApiResponse handle(ApiRequest request) throws ApiException {
    request.allowOnly("encoding");
    KeyCodec.Encoding encoding = KeyCodec.encoding(request);
    TxnBody body = Json.parse(request.body(), TxnBody.class);
    List<Guard> guards = new ArrayList<>();
    for (CompareBody c : orEmpty(body.compare())) {
      guards.add(guard(c));
    }
    Command.Txn txn = new Command.Txn(guards, ops(body.success()), ops(body.failure()));
    KvResult.Txn r;
    try {
      r = clients.of(request).txn(txn);
    } catch (KvException e) {
      throw KvErrors.toApi(e, true);
    }
    ArrayNode results = Json.array();
    for (Result each : r.results()) {
      results.add(result(each, encoding));
    }
    ObjectNode reply = Json.object().put("succeeded", r.succeeded()).put("index", r.index());
    reply.set("results", results);
    return ApiResponse.ok(reply);
  }

  private static <T> List<T> orEmpty(List<T> list) {
    return list == null ? List.of() : list;
  }

  private static Guard guard(CompareBody c) throws ApiException {
    if (c == null) {
      throw ApiException.badRequest("bad_txn", "null compare");
    }
    Bytes key = KeyCodec.bodyBytes(c.key(), c.keyBase64(), "key", true);
    Guard.Op op = switch (c.op() == null ? "" : c.op()) {
      case "=", "==" -> Guard.Op.EQUAL;
      case "!=" -> Guard.Op.NOT_EQUAL;
      case "<" -> Guard.Op.LESS;
      case ">" -> Guard.Op.GREATER;
      default -> throw ApiException.badRequest("bad_txn", "compare op must be =, !=, < or >, got '" + Quote.of(c.op()) + "'");
    };
    String target = c.target() == null ? "" : c.target();
    if (target.equals("value")) {
      return new Guard(key, Guard.Target.VALUE, op, 0, KeyCodec.bodyBytes(c.value(), c.valueBase64(), "value", true));
    }
    Guard.Target t = switch (target) {
      case "version" -> Guard.Target.VERSION;
      case "create_revision" -> Guard.Target.CREATE_REVISION;
      case "mod_revision" -> Guard.Target.MOD_REVISION;
      default -> throw ApiException.badRequest("bad_txn",
          "compare target must be version, create_revision, mod_revision or value, got '" + Quote.of(target) + "'");
    };
    if (c.number() == null) {
      throw ApiException.badRequest("bad_txn", "compare on " + target + " needs a number");
    }
    return new Guard(key, t, op, c.number(), Bytes.EMPTY);
  }

  private static List<Command> ops(List<OpBody> ops) throws ApiException {
    List<Command> out = new ArrayList<>();
    for (OpBody o : orEmpty(ops)) {
      if (o == null || o.op() == null) {
        throw ApiException.badRequest("bad_txn", "every operation needs an 'op'");
      }
      out.add(switch (o.op()) {
        case "get" -> new Command.Get(KeyCodec.bodyBytes(o.key(), o.keyBase64(), "key", true));
        case "put" -> new Command.Put(KeyCodec.bodyBytes(o.key(), o.keyBase64(), "key", true),
            KeyCodec.bodyBytes(o.value(), o.valueBase64(), "value", true));
        case "delete" -> new Command.Delete(KeyCodec.bodyBytes(o.key(), o.keyBase64(), "key", true));
        case "range" -> range(o);
        default -> throw ApiException.badRequest("bad_txn", "op must be get, put, delete or range, got '" + Quote.of(o.op()) + "'");
      });
    }
    return out;
  }

  private static Command.Range range(OpBody o) throws ApiException {
    int limit = o.limit() == null ? RangeHandler.DEFAULT_LIMIT : o.limit();
    if (limit < 1) {
      throw ApiException.badRequest("bad_txn", "range limit must be 1 or more");
    }
    Bytes prefix = KeyCodec.bodyBytes(o.prefix(), o.prefixBase64(), "prefix", false);
    if (prefix != null) {
      return Command.Range.prefix(prefix, limit);
    }
    Bytes start = KeyCodec.bodyBytes(o.start(), o.startBase64(), "start", false);
    Bytes end = KeyCodec.bodyBytes(o.end(), o.endBase64(), "end", false);
    return new Command.Range(start == null ? Bytes.EMPTY : start, end == null ? Bytes.EMPTY : end, limit);
  }

  private static ObjectNode result(Result r, KeyCodec.Encoding encoding) {
    ObjectNode n = Json.object();
    if (r instanceof Result.GetResult g) {
      n.put("op", "get").set("kv", KeyCodec.keyValue(g.kv(), encoding));
    } else if (r instanceof Result.PutResult p) {
      n.put("op", "put").put("revision", p.revision()).set("previous", KeyCodec.keyValue(p.previous(), encoding));
    } else if (r instanceof Result.DeleteResult d) {
      n.put("op", "delete").put("deleted", d.deleted()).put("revision", d.revision())
          .set("previous", KeyCodec.keyValue(d.previous(), encoding));
    } else if (r instanceof Result.RangeResult rr) {
      ArrayNode kvs = Json.array();
      for (KeyValue kv : rr.kvs()) {
        kvs.add(KeyCodec.keyValue(kv, encoding));
      }
      n.put("op", "range").put("more", rr.more()).set("kvs", kvs);
    } else if (r instanceof Result.Error e) {
      n.put("op", "error").put("error", e.code().name().toLowerCase(java.util.Locale.ROOT)).put("message", e.message());
    } else {
      n.put("op", "unknown");
    }
    return n;
  }
}
