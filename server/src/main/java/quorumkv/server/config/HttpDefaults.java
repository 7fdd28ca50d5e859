package quorumkv.server.config;

/** Defaults of the HTTP server that are computed rather than fixed. */
public final class HttpDefaults {
  /**
   * With no {@code quorumkv.http.port}, a node serves HTTP on its Raft port plus this: 9871..9873 give
   * 10871..10873, so several nodes on one machine never collide.
   */
  public static final int PORT_OFFSET = 1000;

  private HttpDefaults() {}
}
