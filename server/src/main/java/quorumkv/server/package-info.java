/** One QuorumKV process: configuration, the Ratis node and its lifecycle. */
package quorumkv.server;
