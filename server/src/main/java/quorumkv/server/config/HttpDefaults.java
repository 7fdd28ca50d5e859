package quorumkv.server.config;

/** Defaults of the HTTP server that are computed rather than fixed. */
public final class HttpDefaults {
  /**
   * With no {@code quorumkv.http.port}, a node serves HTTP on its Raft port plus this: 9871..9873 give
   * 10871..10873, so several nodes on one machine never collide.
   */
  public static final int PORT_OFFSET = 1000;

  /**
   * With no {@code quorumkv.ops.port}, a node serves /health, /ready and /metrics on its HTTP port plus
   * this: 10871 gives 11871, 8081 gives 9081.
   */
  public static final int OPS_PORT_OFFSET = 1000;

  private HttpDefaults() {}
}
