package quorumkv.client.tls;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.CertPathValidator;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateFactory;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.X509ExtendedKeyManager;
import javax.net.ssl.X509ExtendedTrustManager;
import org.apache.ratis.thirdparty.io.grpc.util.AdvancedTlsX509KeyManager;
import org.apache.ratis.thirdparty.io.grpc.util.AdvancedTlsX509TrustManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The TLS files of one node or client: the CA bundle it trusts, its certificate (chain) and its private
 * key. {@link #open} checks them in one line each — a missing or unreadable file, a key that does not
 * belong to the certificate, a certificate expired or not yet valid, one not issued by the CA bundle — so
 * a misconfigured node refuses to start saying why instead of failing handshakes later. The key and trust
 * managers it hands out re-read the files when they change (every {@code reloadEvery}), so a rotated
 * certificate is used by new connections without a restart while connections already open keep working.
 * They are gRPC's {@code AdvancedTlsX509KeyManager}/{@code TrustManager} (the extended variants: plain
 * managers lose host-name checks under BoringSSL and choose no certificate under the JDK's engine), fed by
 * this class, which checks the files' times every {@code reloadEvery} (gRPC's own watcher polls at most
 * once a minute) and loads only a certificate whose key matches.
 *
 * <p>Rotation: write the new key and certificate each with a rename (as the server's {@code DevPki} does); until both
 * are in place, a reload may pair the new certificate with the old key, and handshakes in that moment fail.
 */
public final class TlsFiles implements AutoCloseable {
  private final Path caFile;
  private final Path certFile;
  private final Path keyFile;
  private final X509Certificate certificate;
  private static final Logger LOG = LoggerFactory.getLogger(TlsFiles.class);

  private final ScheduledExecutorService reloader;
  private String lastReloadProblem;
  private final AdvancedTlsX509KeyManager keyManager = new AdvancedTlsX509KeyManager();
  private final AdvancedTlsX509TrustManager trustManager;
  /** Checks the certificates callers show a server: the chain only (a caller's address is not in its certificate). */
  private final AdvancedTlsX509TrustManager callerTrustManager;
  /** The files' modification times and sizes as last loaded; a change means a rotation to load. */
  private String identityStamp;
  private String trustStamp;

  private TlsFiles(Path caFile, Path certFile, Path keyFile, X509Certificate certificate, Duration reloadEvery)
      throws IOException, GeneralSecurityException {
    this.caFile = caFile;
    this.certFile = certFile;
    this.keyFile = keyFile;
    this.certificate = certificate;
    this.trustManager = AdvancedTlsX509TrustManager.newBuilder()
        .setVerification(AdvancedTlsX509TrustManager.Verification.CERTIFICATE_AND_HOST_NAME_VERIFICATION).build();
    this.callerTrustManager = AdvancedTlsX509TrustManager.newBuilder()
        .setVerification(AdvancedTlsX509TrustManager.Verification.CERTIFICATE_ONLY_VERIFICATION).build();
    this.identityStamp = stamp(certFile, keyFile);
    this.trustStamp = stamp(caFile);
    keyManager.updateIdentityCredentials(PemFiles.certificates(certFile).toArray(X509Certificate[]::new),
        PemFiles.privateKey(keyFile));
    X509Certificate[] cas = PemFiles.certificates(caFile).toArray(X509Certificate[]::new);
    trustManager.updateTrustCredentials(cas);
    callerTrustManager.updateTrustCredentials(cas);
    // gRPC's own file watching polls at most once a minute; this checks the files' times every reloadEvery.
    this.reloader = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "quorumkv-tls-reload");
      t.setDaemon(true);
      return t;
    });
    reloader.scheduleWithFixedDelay(this::reloadIfChanged, reloadEvery.toMillis(), reloadEvery.toMillis(),
        TimeUnit.MILLISECONDS);
  }

  /** Checks the three files (see the class comment) and starts watching them for changes. */
  public static TlsFiles open(Path caFile, Path certFile, Path keyFile, Duration reloadEvery) {
    List<X509Certificate> cas = PemFiles.certificates(caFile);
    List<X509Certificate> chain = PemFiles.certificates(certFile);
    PrivateKey key = PemFiles.privateKey(keyFile);
    X509Certificate leaf = chain.get(0);
    checkKeyMatches(leaf, key, certFile, keyFile);
    checkValidNow(leaf, certFile);
    checkIssuedBy(chain, cas, certFile, caFile);
    try {
      return new TlsFiles(caFile, certFile, keyFile, leaf, reloadEvery);
    } catch (IOException | GeneralSecurityException e) {
      throw new TlsConfigException("cannot use the TLS files " + certFile + ", " + keyFile + " and " + caFile + ": "
          + PemFiles.oneLine(e));
    }
  }

  /** Presents the current certificate and key; re-reads them when the files change. */
  public X509ExtendedKeyManager keyManager() {
    return keyManager;
  }

  /** Verifies peers against the current CA bundle, host names included; re-reads it when it changes. */
  public X509ExtendedTrustManager trustManager() {
    return trustManager;
  }

  /**
   * For a server checking the certificates its callers show: the chain against the current CA bundle,
   * no host name (a caller's address is not in its certificate). Re-reads the bundle when it changes.
   */
  public X509ExtendedTrustManager callerTrustManager() {
    return callerTrustManager;
  }

  /**
   * For an endpoint that both serves and dials with one TLS configuration (a Raft node: its port, and its
   * channels to peers): servers it dials are checked with host names ({@link #trustManager}), callers by
   * their chain ({@link #callerTrustManager}).
   */
  public X509ExtendedTrustManager twoWayTrustManager() {
    return new TwoWayTrust(trustManager, callerTrustManager);
  }

  /** The certificate as it was when opened (its subject names this node or client). */
  public X509Certificate certificate() {
    return certificate;
  }

  private static void checkKeyMatches(X509Certificate cert, PrivateKey key, Path certFile, Path keyFile) {
    try {
      String algorithm = key.getAlgorithm().equals("EC") ? "SHA256withECDSA"
          : key.getAlgorithm().equals("RSA") ? "SHA256withRSA" : key.getAlgorithm();
      byte[] probe = "quorumkv key check".getBytes(StandardCharsets.US_ASCII);
      Signature signer = Signature.getInstance(algorithm);
      signer.initSign(key);
      signer.update(probe);
      byte[] signature = signer.sign();
      Signature verifier = Signature.getInstance(algorithm);
      verifier.initVerify(cert.getPublicKey());
      verifier.update(probe);
      if (!verifier.verify(signature)) {
        throw new TlsConfigException("the private key " + keyFile + " does not belong to the certificate " + certFile);
      }
    } catch (GeneralSecurityException e) {
      throw new TlsConfigException("the private key " + keyFile + " does not belong to the certificate " + certFile
          + " (" + PemFiles.oneLine(e) + ")");
    }
  }

  private static void checkValidNow(X509Certificate cert, Path certFile) {
    try {
      cert.checkValidity();
    } catch (CertificateExpiredException e) {
      throw new TlsConfigException("the certificate " + certFile + " expired on " + cert.getNotAfter().toInstant()
          + "; issue a new one (bin/quorumkv certs, or your CA)");
    } catch (CertificateNotYetValidException e) {
      throw new TlsConfigException("the certificate " + certFile + " is not valid before " + cert.getNotBefore()
          .toInstant() + " (is this machine's clock right?)");
    }
  }

  private static void checkIssuedBy(List<X509Certificate> chain, List<X509Certificate> cas, Path certFile, Path caFile) {
    try {
      Set<TrustAnchor> anchors = new HashSet<>();
      for (X509Certificate ca : cas) {
        anchors.add(new TrustAnchor(ca, null));
      }
      PKIXParameters params = new PKIXParameters(anchors);
      params.setRevocationEnabled(false);
      // The chain without a self-signed root at its end (a root in the chain is redundant; the anchor is in caFile).
      List<X509Certificate> path = chain.stream()
          .filter(c -> !c.getSubjectX500Principal().equals(c.getIssuerX500Principal())).toList();
      CertPathValidator.getInstance("PKIX").validate(CertificateFactory.getInstance("X.509").generateCertPath(path),
          params);
    } catch (CertPathValidatorException e) {
      throw new TlsConfigException("the certificate " + certFile + " (issued by "
          + chain.get(0).getIssuerX500Principal().getName() + ") is not trusted by the CA bundle " + caFile + ": "
          + PemFiles.oneLine(e));
    } catch (GeneralSecurityException e) {
      throw new TlsConfigException("cannot check the certificate " + certFile + " against " + caFile + ": "
          + PemFiles.oneLine(e));
    }
  }

  /**
   * Loads a rotated certificate and key, or CA bundle, once its files have changed and check out; a
   * half-written or mismatched pair is left for the next round (the old one stays in use), and said once.
   */
  private void reloadIfChanged() {
    try {
      String identity = stamp(certFile, keyFile);
      if (!identity.equals(identityStamp)) {
        List<X509Certificate> chain = PemFiles.certificates(certFile);
        PrivateKey key = PemFiles.privateKey(keyFile);
        checkKeyMatches(chain.get(0), key, certFile, keyFile);
        keyManager.updateIdentityCredentials(chain.toArray(X509Certificate[]::new), key);
        identityStamp = identity;
        LOG.info("TLS: loaded the rotated certificate {} (serial {}, valid until {})", certFile,
            chain.get(0).getSerialNumber().toString(16), chain.get(0).getNotAfter().toInstant());
      }
      String trust = stamp(caFile);
      if (!trust.equals(trustStamp)) {
        X509Certificate[] cas = PemFiles.certificates(caFile).toArray(X509Certificate[]::new);
        trustManager.updateTrustCredentials(cas);
        callerTrustManager.updateTrustCredentials(cas);
        trustStamp = trust;
        LOG.info("TLS: loaded the changed CA bundle {}", caFile);
      }
      lastReloadProblem = null;
    } catch (IOException | GeneralSecurityException | RuntimeException e) {
      String problem = PemFiles.oneLine(e);
      if (!problem.equals(lastReloadProblem)) {
        LOG.warn("TLS: not loading the changed files yet (the ones loaded before stay in use): {}", problem);
        lastReloadProblem = problem;
      }
    }
  }

  private static String stamp(Path... files) throws IOException {
    StringBuilder s = new StringBuilder();
    for (Path f : files) {
      s.append(Files.getLastModifiedTime(f).toMillis()).append('/').append(Files.size(f)).append(';');
    }
    return s.toString();
  }

  @Override
  public void close() {
    reloader.shutdownNow();
  }

  /** Server checks with host names, client checks by chain. */
  private static final class TwoWayTrust extends X509ExtendedTrustManager {
    private final X509ExtendedTrustManager servers;
    private final X509ExtendedTrustManager callers;

    TwoWayTrust(X509ExtendedTrustManager servers, X509ExtendedTrustManager callers) {
      this.servers = servers;
      this.callers = callers;
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, java.net.Socket socket)
        throws java.security.cert.CertificateException {
      callers.checkClientTrusted(chain, authType, socket);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, javax.net.ssl.SSLEngine engine)
        throws java.security.cert.CertificateException {
      callers.checkClientTrusted(chain, authType, engine);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType)
        throws java.security.cert.CertificateException {
      callers.checkClientTrusted(chain, authType);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, java.net.Socket socket)
        throws java.security.cert.CertificateException {
      servers.checkServerTrusted(chain, authType, socket);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, javax.net.ssl.SSLEngine engine)
        throws java.security.cert.CertificateException {
      servers.checkServerTrusted(chain, authType, engine);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType)
        throws java.security.cert.CertificateException {
      servers.checkServerTrusted(chain, authType);
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return callers.getAcceptedIssuers();
    }
  }
}
