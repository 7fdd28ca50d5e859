package quorumkv.archfixtures.linearizability.leak.history;

import quorumkv.server.KvServerMain;

/** Breaks "history imports nothing of the server": a history that holds a server class. */
public final class ServerAwareHistory {
  private KvServerMain server;

  public KvServerMain server() {
    return server;
  }
}
