package quorumkv.server.status;

/**
 * Whether a node's Raft member and store are up: what {@code /health} checks before probing the disk.
 *
 * @param problem why the node is not alive, or null when it is
 */
public record Liveness(String problem) {
  private static final Liveness ALIVE = new Liveness(null);

  public static Liveness alive() {
    return ALIVE;
  }

  public static Liveness down(String problem) {
    return new Liveness(problem);
  }

  public boolean isAlive() {
    return problem == null;
  }
}
