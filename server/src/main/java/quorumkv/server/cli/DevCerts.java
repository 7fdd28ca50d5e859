package quorumkv.server.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Which CA bundle, certificate and key the CLI uses: the flags, else QUORUMKV_CACERT / QUORUMKV_CERT /
 * QUORUMKV_KEY, else the local cluster's development CA that {@code bin/quorumkv-cluster up} made
 * (QUORUMKV_DEV_PKI, which bin/quorumkv points at the cluster dir's {@code pki}), with its admin client
 * certificate {@code root}, so README's CLI lines work against the local cluster as they are.
 */
final class DevCerts {
  static final String DEFAULT_HINT = "$QUORUMKV_DEV_PKI, set by bin/quorumkv to .quorumkv/cluster/pki";
  static final String ADMIN = "root";

  record Files3(Path caFile, Path certFile, Path keyFile) {}

  private DevCerts() {}

  static Files3 resolve(Path ca, Path cert, Path key, Map<String, String> env) throws CliException {
    ca = ca != null ? ca : path(env.get("QUORUMKV_CACERT"));
    cert = cert != null ? cert : path(env.get("QUORUMKV_CERT"));
    key = key != null ? key : path(env.get("QUORUMKV_KEY"));
    if (ca == null && cert == null && key == null) {
      Path dev = path(env.get("QUORUMKV_DEV_PKI"));
      if (dev != null && Files.isRegularFile(dev.resolve("ca.pem")) && Files.isRegularFile(dev.resolve(ADMIN + ".pem"))) {
        return new Files3(dev.resolve("ca.pem"), dev.resolve(ADMIN + ".pem"), dev.resolve(ADMIN + ".key"));
      }
      throw new CliException(ExitCodes.USAGE, "no client certificate: pass --cacert, --cert and --key (or set"
          + " QUORUMKV_CACERT, QUORUMKV_CERT, QUORUMKV_KEY); bin/quorumkv-cluster up makes a development CA that"
          + " the CLI then uses by itself; --insecure-plaintext talks plain HTTP to a cluster started without TLS");
    }
    if (ca == null || cert == null || key == null) {
      throw new CliException(ExitCodes.USAGE, "--cacert, --cert and --key go together (or QUORUMKV_CACERT,"
          + " QUORUMKV_CERT, QUORUMKV_KEY)");
    }
    return new Files3(ca, cert, key);
  }

  private static Path path(String value) {
    return value == null || value.isBlank() ? null : Path.of(value.strip());
  }
}
