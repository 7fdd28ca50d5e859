package quorumkv.archfixtures.server.rootonly;

/** The entry point: allowed in the root package. */
public final class KvServerMain {
  private KvServerMain() {}
}
