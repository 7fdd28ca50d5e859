package quorumkv.server.config;

/**
 * One member of the cluster as configured: {@code id=host:port} for a voter, {@code id=host:port:listener}
 * for a non-voting asynchronous follower (a Ratis listener).
 */
public record PeerSpec(String id, String host, int port, Role role) {
  /** A voter counts toward the write quorum; a listener receives the log asynchronously. */
  public enum Role { VOTER, LISTENER }

  public String address() {
    return host + ":" + port;
  }

  /** Parses one {@code id=host:port[:role]} entry of {@code quorumkv.raft.peers}. */
  static PeerSpec parse(String entry) {
    String[] idAndAddress = entry.trim().split("=", 2);
    if (idAndAddress.length != 2 || idAndAddress[0].isBlank()) {
      throw new ConfigException(ConfigKeys.PEERS + ": entry '" + entry + "' is not id=host:port[:voter|listener]");
    }
    String id = idAndAddress[0].trim();
    String[] parts = idAndAddress[1].trim().split(":");
    if (parts.length < 2 || parts.length > 3 || parts[0].isBlank()) {
      throw new ConfigException(ConfigKeys.PEERS + ": entry '" + entry + "' is not id=host:port[:voter|listener]");
    }
    int port;
    try {
      port = Integer.parseInt(parts[1]);
    } catch (NumberFormatException e) {
      throw new ConfigException(ConfigKeys.PEERS + ": port '" + parts[1] + "' of peer " + id + " is not a number");
    }
    if (port < 1 || port > 65535) {
      throw new ConfigException(ConfigKeys.PEERS + ": port " + port + " of peer " + id + " is outside 1..65535");
    }
    Role role = Role.VOTER;
    if (parts.length == 3) {
      switch (parts[2].trim().toLowerCase(java.util.Locale.ROOT)) {
        case "voter": role = Role.VOTER; break;
        case "listener": role = Role.LISTENER; break;
        default: throw new ConfigException(ConfigKeys.PEERS + ": role '" + parts[2] + "' of peer " + id
            + " is neither voter nor listener");
      }
    }
    return new PeerSpec(id, parts[0].trim(), port, role);
  }
}
