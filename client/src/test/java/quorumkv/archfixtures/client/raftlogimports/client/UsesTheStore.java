package quorumkv.archfixtures.client.raftlogimports.client;

import quorumkv.raftlog.store.StorageException;

/** Breaks "of raft-log only the command package": reaches into the server-side store. */
public class UsesTheStore {
  StorageException failure;
}
