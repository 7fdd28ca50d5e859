package quorumkv.server.tls;

import java.io.IOException;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.regex.Pattern;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import quorumkv.client.tls.PemFiles;
import quorumkv.raftlog.files.AtomicFiles;

/**
 * A development certificate authority in a directory: {@code ca.pem} (the CA certificate, the trust
 * bundle every node and client is given) and {@code ca.key}, and certificates it issues as
 * {@code <name>.pem} (the certificate, then the CA's) with {@code <name>.key} (PKCS#8). Keys are written
 * owner-only (0600). For development and tests: production clusters bring certificates from their own CA.
 *
 * <p>What it issues follows what the channels check: a node's certificate serves and dials (Raft peers,
 * the HTTP API), so it has both the serverAuth and clientAuth usages, and subject alternative names for
 * every name and address it is reached by (gRPC verifies the dialed host against them); its common name
 * and its organizational unit {@code node} name the member. A client's certificate has clientAuth only,
 * OU {@code client}, and its common name is the identity roles are granted to. EC P-256 keys, SHA-256
 * signatures.
 */
public final class DevPki {
  public static final String CA_CERT = "ca.pem";
  public static final String CA_KEY = "ca.key";
  public static final String NODE_UNIT = "node";
  public static final String CLIENT_UNIT = "client";
  /** Names a certificate may be issued to: they become file names. */
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,62}");
  private static final Duration CA_VALIDITY = Duration.ofDays(3650);
  private static final SecureRandom RANDOM = new SecureRandom();

  private final Path dir;
  private final PrivateKey caKey;
  private final X509Certificate caCert;

  private DevPki(Path dir, PrivateKey caKey, X509Certificate caCert) {
    this.dir = dir;
    this.caKey = caKey;
    this.caCert = caCert;
  }

  /** The CA in {@code dir}, made there first if the directory has none yet. */
  public static DevPki openOrCreate(Path dir, String clusterName) throws IOException {
    if (Files.exists(dir.resolve(CA_CERT)) || Files.exists(dir.resolve(CA_KEY))) {
      return open(dir);
    }
    Files.createDirectories(dir);
    try {
      KeyPair pair = newKeyPair();
      X500Name subject = name("QuorumKV development CA (" + clusterName + ")", "ca");
      Instant now = Instant.now();
      X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(subject, serial(), Date.from(now.minusSeconds(60)),
          Date.from(now.plus(CA_VALIDITY)), subject, pair.getPublic());
      JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
      b.addExtension(Extension.basicConstraints, true, new BasicConstraints(0));
      b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
      b.addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(pair.getPublic()));
      X509Certificate cert = sign(b, pair.getPrivate());
      writeKey(dir.resolve(CA_KEY), pair.getPrivate());
      writePem(dir.resolve(CA_CERT), List.of(cert));
      return new DevPki(dir, pair.getPrivate(), cert);
    } catch (GeneralSecurityException | OperatorCreationException e) {
      throw new IOException("cannot make a development CA in " + dir + ": " + e.getMessage(), e);
    }
  }

  /** The CA already in {@code dir}. */
  public static DevPki open(Path dir) throws IOException {
    Path certFile = dir.resolve(CA_CERT);
    Path keyFile = dir.resolve(CA_KEY);
    List<X509Certificate> certs = PemFiles.certificates(certFile);
    return new DevPki(dir, PemFiles.privateKey(keyFile), certs.get(0));
  }

  public Path dir() {
    return dir;
  }

  public X509Certificate caCertificate() {
    return caCert;
  }

  /**
   * Issues node {@code nodeId}'s certificate (serverAuth and clientAuth) for the host names and IP
   * addresses in {@code hosts} (the node id itself, {@code localhost} and 127.0.0.1 are always in) and
   * writes {@code <nodeId>.pem} and {@code <nodeId>.key}; returns the certificate file.
   */
  public Path issueNode(String nodeId, List<String> hosts, Duration validity) throws IOException {
    List<String> names = new ArrayList<>(List.of(nodeId, "localhost", "127.0.0.1"));
    for (String h : hosts) {
      if (!names.contains(h)) {
        names.add(h);
      }
    }
    return issue(nodeId, NODE_UNIT, names, true, Instant.now().minusSeconds(60), Instant.now().plus(validity));
  }

  /** Issues client {@code name}'s certificate (clientAuth only); returns the certificate file. */
  public Path issueClient(String name, Duration validity) throws IOException {
    return issue(name, CLIENT_UNIT, List.of(), false, Instant.now().minusSeconds(60), Instant.now().plus(validity));
  }

  /**
   * Issues a certificate valid from {@code notBefore} to {@code notAfter} (tests make expired and
   * not-yet-valid ones with it). {@code node} selects the node profile (both usages, SANs).
   */
  public Path issue(String name, String unit, List<String> hosts, boolean node, Instant notBefore, Instant notAfter)
      throws IOException {
    checkName(name);
    try {
      KeyPair pair = newKeyPair();
      X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(caCert, serial(), Date.from(notBefore),
          Date.from(notAfter), name(name, unit), pair.getPublic());
      JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
      b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
      b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
      b.addExtension(Extension.extendedKeyUsage, false, node
          ? new ExtendedKeyUsage(new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth})
          : new ExtendedKeyUsage(KeyPurposeId.id_kp_clientAuth));
      if (!hosts.isEmpty()) {
        b.addExtension(Extension.subjectAlternativeName, false, sans(hosts));
      }
      b.addExtension(Extension.authorityKeyIdentifier, false, ext.createAuthorityKeyIdentifier(caCert));
      b.addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(pair.getPublic()));
      X509Certificate cert = sign(b, caKey);
      Path certFile = dir.resolve(name + ".pem");
      writeKey(dir.resolve(name + ".key"), pair.getPrivate());
      writePem(certFile, List.of(cert, caCert));
      return certFile;
    } catch (GeneralSecurityException | OperatorCreationException e) {
      throw new IOException("cannot issue a certificate for " + name + ": " + e.getMessage(), e);
    }
  }

  /** A certificate name becomes a file name: 1 to 63 letters, digits, '.', '_' or '-', not starting with '.'. */
  public static void checkName(String name) {
    if (!NAME.matcher(name).matches()) {
      throw new IllegalArgumentException("a certificate name is 1 to 63 letters, digits, '.', '_' or '-', got '"
          + (name.length() > 64 ? name.substring(0, 64) + "..." : name) + "'");
    }
  }

  private static GeneralNames sans(List<String> hosts) {
    List<GeneralName> names = new ArrayList<>();
    for (String h : hosts) {
      names.add(looksLikeIp(h) ? new GeneralName(GeneralName.iPAddress, h) : new GeneralName(GeneralName.dNSName, h));
    }
    return new GeneralNames(names.toArray(GeneralName[]::new));
  }

  private static boolean looksLikeIp(String host) {
    if (!host.matches("[0-9.]+|[0-9a-fA-F:]*:[0-9a-fA-F:.]*")) {
      return false;
    }
    try {
      InetAddress.getByName(host); // a literal: no lookup
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private static X500Name name(String commonName, String unit) {
    return new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.O, "QuorumKV").addRDN(BCStyle.OU, unit)
        .addRDN(BCStyle.CN, commonName).build();
  }

  private static BigInteger serial() {
    return new BigInteger(120, RANDOM).add(BigInteger.ONE);
  }

  private static KeyPair newKeyPair() throws GeneralSecurityException {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
    return g.generateKeyPair();
  }

  private static X509Certificate sign(X509v3CertificateBuilder b, PrivateKey key)
      throws OperatorCreationException, GeneralSecurityException {
    return new JcaX509CertificateConverter().getCertificate(b.build(new JcaContentSignerBuilder("SHA256withECDSA")
        .build(key)));
  }

  private static void writePem(Path file, List<X509Certificate> certs) throws IOException {
    StringWriter out = new StringWriter();
    try (JcaPEMWriter pem = new JcaPEMWriter(out)) {
      for (X509Certificate c : certs) {
        pem.writeObject(c);
      }
    }
    AtomicFiles.write(file, out.toString().getBytes(StandardCharsets.US_ASCII));
  }

  private static void writeKey(Path file, PrivateKey key) throws IOException {
    StringWriter out = new StringWriter();
    try (JcaPEMWriter pem = new JcaPEMWriter(out)) {
      pem.writeObject(new JcaPKCS8Generator(key, null));
    }
    AtomicFiles.writeOwnerOnly(file, out.toString().getBytes(StandardCharsets.US_ASCII));
  }

  static boolean ownerOnly(Path file) throws IOException {
    return Files.getPosixFilePermissions(file).equals(PosixFilePermissions.fromString("rw-------"));
  }
}
