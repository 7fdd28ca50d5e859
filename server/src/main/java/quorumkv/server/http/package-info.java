/**
 * The node's HTTP/1.1 server (Netty) and one handler per resource: the JSON key-value API under
 * {@code /v1/kv}, {@code /v1/txn}, {@code /v1/cluster} (status, members, leader), {@code /v1/backup},
 * {@code /health}, {@code /ready} and {@code /metrics}. Key and value encoding: {@link quorumkv.server.http.KeyCodec}.
 */
package quorumkv.server.http;
