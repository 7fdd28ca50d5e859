/**
 * The wire protocol shared by clients and the state machine: commands, results, request and response
 * envelopes, stable error codes, size limits and the versioned binary codec. Uses only the JDK, so the
 * client module can depend on this package without RocksDB or the Ratis server.
 */
package quorumkv.raftlog.command;
