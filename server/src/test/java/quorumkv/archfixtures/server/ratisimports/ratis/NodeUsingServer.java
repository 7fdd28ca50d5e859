package quorumkv.archfixtures.server.ratisimports.ratis;

import org.apache.ratis.server.RaftServer;

/** Allowed: the ratis package is the one place that sees the Ratis server. */
public class NodeUsingServer {
  RaftServer server;
}
