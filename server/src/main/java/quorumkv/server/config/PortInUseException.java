package quorumkv.server.config;

/** A port the node must listen on is taken: another node, or a process that took a port chosen free earlier. */
public final class PortInUseException extends ConfigException {
  private static final long serialVersionUID = 1L;

  public PortInUseException(int port, String why) {
    super("port " + port + " is in use (" + why + "); is another node running?");
  }
}
