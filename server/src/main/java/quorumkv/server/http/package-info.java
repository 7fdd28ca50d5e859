/**
 * The node's HTTP/1.1 server (Netty) and one handler per resource: the JSON key-value API under
 * {@code /v1/kv}, {@code /v1/txn}, {@code /v1/cluster} (status, members, leader), {@code /v1/backup},
 * {@code /health}, {@code /ready} and {@code /metrics}. Key and value encoding: {@link quorumkv.server.http.KeyCodec}.
 * May import the client library, raft-log's command package, and {@code ratis}'s {@code KvNode} (its small
 * status types, not Ratis), {@code status}, {@code metrics} and {@code config}; never Ratis itself, the
 * state machine or the store (checked by the server's ArchitectureTest).
 */
package quorumkv.server.http;
