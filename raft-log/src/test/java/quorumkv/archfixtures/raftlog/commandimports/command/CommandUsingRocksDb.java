package quorumkv.archfixtures.raftlog.commandimports.command;

import org.rocksdb.RocksDB;

/** Breaks "command imports only java": a command class that knows RocksDB. */
public class CommandUsingRocksDb {
  RocksDB db;
}
