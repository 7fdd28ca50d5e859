package quorumkv.archfixtures.server.httpimports.http;

import org.apache.ratis.protocol.RaftPeerId;

/** Breaks "http imports no Ratis". */
public class HandlerUsingRatis {
  RaftPeerId leader;
}
