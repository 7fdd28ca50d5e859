/**
 * The {@code quorumkv} command line (picocli): {@code server} runs a node; every other command talks to a
 * running cluster through the nodes' HTTP API ({@code --endpoints}), except {@code snapshot restore},
 * which seeds a new node's data dir offline. Exit codes: {@link quorumkv.server.cli.ExitCodes}. May import
 * {@code node} (to start one), {@code config}, {@code backup} and {@code http}'s JSON helper; nothing
 * of Ratis.
 */
package quorumkv.server.cli;
