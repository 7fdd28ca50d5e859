/**
 * The stack test of the put paths README documents ({@link quorumkv.server.requestpath.RequestPathIT}):
 * a Byte Buddy agent weaves {@link quorumkv.server.requestpath.StackProbe} into Ratis's client send and
 * RocksDB's write batch. Tests only; imports the client API, the test kit and Byte Buddy.
 */
package quorumkv.server.requestpath;
