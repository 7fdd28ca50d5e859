package quorumkv.client.tls;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads PEM certificates and private keys with the JDK alone, failing in one line that names the file and
 * the cause (missing, unreadable, no certificate in it, a key in a form it does not read). Keys must be
 * unencrypted PKCS#8 ({@code BEGIN PRIVATE KEY}), EC or RSA, as {@code openssl genpkey} and
 * {@code bin/quorumkv certs} write them; the older forms ({@code BEGIN EC PRIVATE KEY},
 * {@code BEGIN RSA PRIVATE KEY}) and encrypted keys are refused with the openssl command that converts
 * them (a node starts unattended, so there is no one to type a pass phrase).
 */
public final class PemFiles {
  private static final Pattern BLOCK = Pattern.compile("-----BEGIN ([A-Z0-9 ]+)-----([^-]*)-----END \\1-----");

  private PemFiles() {}

  /** Every certificate in {@code file}, in order (a chain: the leaf first); at least one. */
  public static List<X509Certificate> certificates(Path file) {
    byte[] bytes = read(file, "certificate");
    try {
      CertificateFactory f = CertificateFactory.getInstance("X.509");
      List<X509Certificate> certs = new ArrayList<>();
      for (var c : f.generateCertificates(new ByteArrayInputStream(bytes))) {
        certs.add((X509Certificate) c);
      }
      if (certs.isEmpty()) {
        throw new TlsConfigException("the certificate file " + file + " holds no certificate (expected PEM blocks"
            + " 'BEGIN CERTIFICATE')");
      }
      return certs;
    } catch (CertificateException e) {
      throw new TlsConfigException("the certificate file " + file + " is not a PEM certificate: " + oneLine(e));
    }
  }

  /** The private key in {@code file}. */
  public static PrivateKey privateKey(Path file) {
    String text = new String(read(file, "private key"), StandardCharsets.US_ASCII);
    Matcher m = BLOCK.matcher(text);
    if (!m.find()) {
      throw new TlsConfigException("the private key file " + file + " holds no PEM block (expected 'BEGIN PRIVATE KEY')");
    }
    String type = m.group(1);
    if (!type.equals("PRIVATE KEY")) {
      String fix = "openssl pkcs8 -topk8 -nocrypt -in " + file + " -out NEW.key";
      throw new TlsConfigException("the private key file " + file + " holds '" + type + "'"
          + (type.contains("ENCRYPTED") ? " (an encrypted key: a node starts unattended)" : "")
          + "; QuorumKV reads unencrypted PKCS#8 keys ('BEGIN PRIVATE KEY'): convert it with " + fix);
    }
    byte[] der;
    try {
      der = Base64.getMimeDecoder().decode(m.group(2));
    } catch (IllegalArgumentException e) {
      throw new TlsConfigException("the private key file " + file + " is not valid PEM: " + oneLine(e));
    }
    GeneralSecurityException last = null;
    for (String algorithm : List.of("EC", "RSA", "Ed25519")) {
      try {
        return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
      } catch (GeneralSecurityException e) {
        last = e;
      }
    }
    throw new TlsConfigException("the private key file " + file + " holds no EC, RSA or Ed25519 PKCS#8 key: "
        + oneLine(last));
  }

  private static byte[] read(Path file, String what) {
    try {
      return Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw new TlsConfigException("the " + what + " file " + file + " does not exist");
    } catch (IOException e) {
      throw new TlsConfigException("cannot read the " + what + " file " + file + ": " + oneLine(e));
    }
  }

  /** The exception's message on one line (its class name if it has none). */
  public static String oneLine(Throwable e) {
    String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    return m.replaceAll("\\s+", " ").strip();
  }
}
