package quorumkv.linearizability.cluster;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * A namespace run's development CA: node certificates that name the addresses the run picked (its subnet
 * differs per run), the admin client certificate {@code root}, and an HTTPS client for the nodes'
 * operations ports.
 */
final class NamespacePki {
  private NamespacePki() {}

  /** Makes the CA in {@code at} with a certificate per node (its namespace address) and the client root. */
  static Path create(Path at, int size, NamespaceNetwork network, java.util.function.IntFunction<String> ids) {
    try {
      quorumkv.server.tls.DevPki pki = quorumkv.server.tls.DevPki.openOrCreate(at, "lin");
      for (int i = 0; i < size; i++) {
        pki.issueNode(ids.apply(i), List.of(network.ip(i)), java.time.Duration.ofDays(2));
      }
      pki.issueClient(quorumkv.server.testing.LocalCluster.ADMIN_CLIENT, java.time.Duration.ofDays(2));
      return at;
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  static java.net.http.HttpClient https(Path pki) {
    try (quorumkv.client.tls.TlsFiles files = quorumkv.client.tls.TlsFiles.open(pki.resolve("ca.pem"),
        pki.resolve("root.pem"), pki.resolve("root.key"), java.time.Duration.ofHours(1))) {
      javax.net.ssl.SSLContext context = javax.net.ssl.SSLContext.getInstance("TLS");
      context.init(new javax.net.ssl.KeyManager[] {files.keyManager()},
          new javax.net.ssl.TrustManager[] {files.trustManager()}, null);
      return java.net.http.HttpClient.newBuilder().version(java.net.http.HttpClient.Version.HTTP_1_1)
          .sslContext(context).connectTimeout(java.time.Duration.ofSeconds(2)).build();
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }
}
