/**
 * The node's configuration: {@link quorumkv.server.config.ConfigKeys} (every key),
 * {@link quorumkv.server.config.ConfigLoader} (file plus environment, unknown keys refused), the immutable
 * {@link quorumkv.server.config.ServerConfig} records, and {@link quorumkv.server.config.DataDirGuard}
 * (a data dir belongs to one node of one cluster). The bottom of the server: imports only the JDK and
 * raft-log's command and {@code StoreOptions} types, so every other package may depend on it.
 */
package quorumkv.server.config;
