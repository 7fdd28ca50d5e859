package quorumkv.server.tls;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import quorumkv.raftlog.files.AtomicFiles;
import quorumkv.server.config.ConfigException;

/**
 * Reads PEM certificates and private keys, failing in one line that names the file and the cause (missing,
 * unreadable, no certificate in it, an encrypted key). Keys may be PKCS#8 ({@code BEGIN PRIVATE KEY}) or
 * the older PKCS#1/SEC1 forms ({@code BEGIN RSA PRIVATE KEY}, {@code BEGIN EC PRIVATE KEY}); encrypted keys
 * are refused (a node starts unattended, so there is no one to type a pass phrase).
 */
public final class PemFiles {
  private PemFiles() {}

  /** Every certificate in {@code file}, in order (a chain: the leaf first); at least one. */
  public static List<X509Certificate> certificates(Path file) {
    byte[] bytes = read(file, "certificate");
    try {
      CertificateFactory f = CertificateFactory.getInstance("X.509");
      List<X509Certificate> certs = new ArrayList<>();
      for (var c : f.generateCertificates(new java.io.ByteArrayInputStream(bytes))) {
        certs.add((X509Certificate) c);
      }
      if (certs.isEmpty()) {
        throw new ConfigException("the certificate file " + file + " holds no certificate (expected PEM blocks"
            + " 'BEGIN CERTIFICATE')");
      }
      return certs;
    } catch (CertificateException e) {
      throw new ConfigException("the certificate file " + file + " is not a PEM certificate: " + oneLine(e));
    }
  }

  /** The private key in {@code file}. */
  public static PrivateKey privateKey(Path file) {
    byte[] bytes = read(file, "private key");
    try (Reader in = new java.io.InputStreamReader(new java.io.ByteArrayInputStream(bytes), StandardCharsets.US_ASCII);
         PEMParser pem = new PEMParser(in)) {
      Object o = pem.readObject();
      JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
      if (o instanceof PrivateKeyInfo info) {
        return converter.getPrivateKey(info);
      }
      if (o instanceof PEMKeyPair pair) {
        return converter.getKeyPair(pair).getPrivate();
      }
      String what = o == null ? "no PEM block" : o.getClass().getSimpleName().contains("Encrypted")
          ? "an encrypted key (QuorumKV needs it unencrypted: openssl pkcs8 -topk8 -nocrypt)" : "no private key";
      throw new ConfigException("the private key file " + file + " holds " + what);
    } catch (IOException e) {
      throw new ConfigException("the private key file " + file + " is not a PEM private key: " + oneLine(e));
    }
  }

  /** Replaces {@code file} atomically; {@code secret}: owner-only (0600) from its first byte. */
  static void writeReplacing(Path file, String pem, boolean secret) throws IOException {
    byte[] bytes = pem.getBytes(StandardCharsets.US_ASCII);
    if (secret) {
      AtomicFiles.writeOwnerOnly(file, bytes);
    } else {
      AtomicFiles.write(file, bytes);
    }
  }

  private static byte[] read(Path file, String what) {
    try {
      return Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw new ConfigException("the " + what + " file " + file + " does not exist");
    } catch (IOException e) {
      throw new ConfigException("cannot read the " + what + " file " + file + ": " + oneLine(e));
    }
  }

  static String oneLine(Throwable e) {
    String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    return m.replaceAll("\\s+", " ").strip();
  }
}
