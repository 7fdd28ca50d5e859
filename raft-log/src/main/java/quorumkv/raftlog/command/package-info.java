/**
 * The wire protocol shared by clients and the state machine: commands (each answers its keys, values
 * and kind, and takes a {@link quorumkv.raftlog.command.Command.Visitor}), results, request and response
 * envelopes, stable error codes and the typed refusals before the log
 * ({@link quorumkv.raftlog.command.RequestRefusedException}), size limits, and the versioned binary codec
 * ({@link quorumkv.raftlog.command.RequestCodec}, {@link quorumkv.raftlog.command.ResultCodec} over the
 * package-private wire reader and writer).
 *
 * <p>May import: {@code java.*} only, so the client module can depend on this package without RocksDB
 * or the Ratis server (checked by raft-log's ArchitectureTest).
 */
package quorumkv.raftlog.command;
