package quorumkv.server.tls;

import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import javax.net.ssl.SSLException;
import quorumkv.client.tls.TlsConfigException;
import quorumkv.client.tls.TlsFiles;
import quorumkv.server.config.ConfigException;
import quorumkv.server.config.ConfigKeys;
import quorumkv.server.config.ServerConfig;

/**
 * A node's TLS: its CA bundle, certificate and key ({@link TlsFiles}, reloaded when rotated), checked at
 * start to name this node, and the TLS contexts of its listeners: the HTTP data API requires a client
 * certificate from the CA, the operations port ({@code /health}, {@code /ready}, {@code /metrics}) asks for
 * none, so probes and scrapes work without one. TLS 1.3 unless TLS 1.2 is allowed in the config, and then
 * only ECDHE key exchange with AEAD ciphers.
 */
public final class NodeTls implements AutoCloseable {
  static final List<String> TLS13_SUITES = List.of("TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384",
      "TLS_CHACHA20_POLY1305_SHA256");
  static final List<String> TLS12_SUITES = List.of("TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
      "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
      "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
      "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256");

  private final TlsFiles files;
  private final List<String> protocols;

  private NodeTls(TlsFiles files, List<String> protocols) {
    this.files = files;
    this.protocols = protocols;
  }

  /**
   * The node's TLS, or null when the config runs it without (plaintext). A file that cannot be used, or a
   * certificate that names another node, is a {@link ConfigException} in one line.
   */
  public static NodeTls open(ServerConfig config) {
    ServerConfig.TlsSettings tls = config.tls();
    if (!tls.enabled()) {
      return null;
    }
    TlsFiles files;
    try {
      files = TlsFiles.open(tls.caFile(), tls.certFile(), tls.keyFile(), tls.reloadInterval());
    } catch (TlsConfigException e) {
      throw new ConfigException(e.getMessage());
    }
    String named = commonName(files.certificate());
    if (!config.nodeId().equals(named)) {
      files.close();
      throw new ConfigException("the certificate " + tls.certFile() + " names '" + named + "' (its common name), not"
          + " this node '" + config.nodeId() + "': peers identify a node by its certificate; set "
          + ConfigKeys.TLS_CERT_FILE + " to this node's certificate");
    }
    return new NodeTls(files, tls.protocols());
  }

  /** The subject's common name, or "" if it has none. */
  public static String commonName(X509Certificate certificate) {
    try {
      for (Rdn rdn : new LdapName(certificate.getSubjectX500Principal().getName()).getRdns()) {
        if (rdn.getType().equalsIgnoreCase("CN")) {
          return String.valueOf(rdn.getValue());
        }
      }
    } catch (InvalidNameException e) {
      // an unparsable subject names nobody
    }
    return "";
  }

  /** The Netty server context of an HTTP listener; {@code requireClientCertificate}: mutual TLS. */
  public SslContext httpServerContext(boolean requireClientCertificate) {
    try {
      return SslContextBuilder.forServer(files.keyManager())
          .sslProvider(SslProvider.JDK)
          .trustManager(files.callerTrustManager())
          .clientAuth(requireClientCertificate ? ClientAuth.REQUIRE : ClientAuth.NONE)
          .protocols(protocols)
          .ciphers(cipherSuites())
          .build();
    } catch (SSLException e) {
      throw new ConfigException("cannot build the HTTP TLS context: " + e.getMessage());
    }
  }

  /** The cipher suites allowed with the configured protocols. */
  public List<String> cipherSuites() {
    List<String> suites = new ArrayList<>(TLS13_SUITES);
    if (protocols.contains("TLSv1.2")) {
      suites.addAll(TLS12_SUITES);
    }
    return suites;
  }

  public List<String> protocols() {
    return protocols;
  }

  /** The files and their reloading managers (the Raft port's TLS uses the same). */
  public TlsFiles files() {
    return files;
  }

  @Override
  public void close() {
    files.close();
  }
}
