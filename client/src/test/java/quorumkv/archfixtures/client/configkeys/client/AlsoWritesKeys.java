package quorumkv.archfixtures.client.configkeys.client;

import org.apache.ratis.conf.RaftProperties;

/** Breaks "only one class writes Ratis config keys": sets a raw key beside the allowed writer. */
public class AlsoWritesKeys {
  static void configure(RaftProperties properties) {
    properties.set("raft.client.rpc.request.timeout", "1s");
  }
}
