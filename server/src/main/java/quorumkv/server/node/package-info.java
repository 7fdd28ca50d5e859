/**
 * One whole running node: {@link quorumkv.server.node.KvServer} wires the Raft node ({@code ratis}), the
 * node's own {@code KvClient}, the HTTP API ({@code http}) and its metrics. May import every server
 * package except the root and {@code cli} (which starts it); nothing of Ratis.
 */
package quorumkv.server.node;
