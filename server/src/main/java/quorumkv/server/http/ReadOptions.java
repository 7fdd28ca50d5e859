package quorumkv.server.http;

import quorumkv.server.gateway.ClusterGateway;

/**
 * The read parameters: {@code consistency=linearizable} (default; reflects every write completed before
 * the request) or {@code consistency=follower} (this node's applied state, possibly behind; with
 * {@code min_index=N} it waits until this node has applied at least index N, so a caller that passes the
 * highest {@code index} it has seen reads its own writes and never goes back in time).
 */
record ReadOptions(ClusterGateway.Consistency consistency, long minIndex) {
  static ReadOptions of(ApiRequest request) throws ApiException {
    String c = request.param("consistency");
    ClusterGateway.Consistency consistency;
    if (c == null || c.equals("linearizable")) {
      consistency = ClusterGateway.Consistency.LINEARIZABLE;
    } else if (c.equals("follower")) {
      consistency = ClusterGateway.Consistency.FOLLOWER;
    } else {
      throw ApiException.badRequest("bad_parameter", "consistency must be linearizable or follower, got '" + c + "'");
    }
    long minIndex = request.longParam("min_index", 0);
    if (minIndex > 0 && consistency != ClusterGateway.Consistency.FOLLOWER) {
      throw ApiException.badRequest("bad_parameter", "min_index applies to consistency=follower only");
    }
    return new ReadOptions(consistency, minIndex);
  }
}
