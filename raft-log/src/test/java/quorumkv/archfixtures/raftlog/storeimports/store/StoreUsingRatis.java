package quorumkv.archfixtures.raftlog.storeimports.store;

import org.apache.ratis.protocol.Message;

/** Breaks "store imports nothing of Ratis". */
public class StoreUsingRatis {
  Message message;
}
