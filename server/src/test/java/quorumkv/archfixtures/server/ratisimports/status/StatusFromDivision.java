package quorumkv.archfixtures.server.ratisimports.status;

import org.apache.ratis.server.RaftServer;

/** Breaks "only the ratis package imports the Ratis server". */
public class StatusFromDivision {
  RaftServer.Division division;
}
