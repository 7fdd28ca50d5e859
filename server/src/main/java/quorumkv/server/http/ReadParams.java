package quorumkv.server.http;

import quorumkv.client.ReadConsistency;
import quorumkv.client.ReadOptions;

/**
 * The HTTP read parameters: {@code consistency=linearizable} (default; reflects every write completed before
 * the request) or {@code consistency=follower} (this node's applied state, possibly behind; with
 * {@code min_index=N} it waits until this node has applied at least index N, so a caller that passes the
 * highest {@code index} it has seen reads its own writes and never goes back in time).
 */
record ReadParams(ReadConsistency consistency, long minIndex) {
  static ReadParams of(ApiRequest request) throws ApiException {
    String c = request.param("consistency");
    ReadConsistency consistency;
    if (c == null || c.equals("linearizable")) {
      consistency = ReadConsistency.LINEARIZABLE;
    } else if (c.equals("follower")) {
      consistency = ReadConsistency.FOLLOWER;
    } else {
      throw ApiException.badRequest("bad_parameter", "consistency must be linearizable or follower, got '" + Quote.of(c) + "'");
    }
    long minIndex = request.longParam("min_index", 0);
    if (minIndex > 0 && consistency != ReadConsistency.FOLLOWER) {
      throw ApiException.badRequest("bad_parameter", "min_index applies to consistency=follower only");
    }
    return new ReadParams(consistency, minIndex);
  }

  /**
   * The node's client reads as these parameters say, served by the node {@code nodeId} that got the
   * request (a linearizable read at a follower asks the leader for the read index, then answers from the
   * follower's state), retrying with the client's backoff until its deadline.
   */
  ReadOptions servedBy(String nodeId) {
    return ReadOptions.of(consistency).atReplica(nodeId).atLeastIndex(minIndex);
  }
}
