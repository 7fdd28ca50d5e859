package quorumkv.archfixtures.server.httpimports.http;

import quorumkv.raftlog.store.RocksKvStore;

/** Breaks "http imports no store". */
public class HandlerUsingStore {
  RocksKvStore store;
}
