/**
 * The one place that sees the Ratis server: {@link quorumkv.server.ratis.KvNode} (builds, starts, rejoins
 * and closes the member; hands out only small types of its own), {@link quorumkv.server.ratis.RaftPropertiesFactory}
 * (the only writer of Ratis config keys) and the package-private status reader. May import Ratis, raft-log
 * (state machine; the store only inside {@code withStore}), {@code config}, {@code status} and
 * {@code backup}.
 */
package quorumkv.server.ratis;
