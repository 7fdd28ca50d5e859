package quorumkv.client.tls;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.spec.ECGenParameterSpec;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** PemFiles reads PKCS#8 keys with the JDK alone and refuses everything else in one line that says what to do. */
class PemFilesTest {
  @TempDir
  Path dir;

  private static String pem(String type, byte[] der) {
    return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
        .encodeToString(der) + "\n-----END " + type + "-----\n";
  }

  private Path write(String name, String text) throws Exception {
    return Files.writeString(dir.resolve(name), text, StandardCharsets.US_ASCII);
  }

  @Test
  void readsEcAndRsaPkcs8Keys() throws Exception {
    KeyPairGenerator ec = KeyPairGenerator.getInstance("EC");
    ec.initialize(new ECGenParameterSpec("secp256r1"));
    KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
    rsa.initialize(2048);
    for (KeyPair pair : new KeyPair[] {ec.generateKeyPair(), rsa.generateKeyPair()}) {
      Path file = write("k-" + pair.getPrivate().getAlgorithm() + ".key",
          "comment line before the block\n" + pem("PRIVATE KEY", pair.getPrivate().getEncoded()));
      PrivateKey read = PemFiles.privateKey(file);
      assertEquals(pair.getPrivate().getAlgorithm(), read.getAlgorithm());
      assertArrayEquals(pair.getPrivate().getEncoded(), read.getEncoded());
    }
  }

  @Test
  void refusesOtherKeyFormsNamingTheConversion() throws Exception {
    Path sec1 = write("sec1.key", pem("EC PRIVATE KEY", new byte[] {1, 2, 3}));
    String m = assertThrows(TlsConfigException.class, () -> PemFiles.privateKey(sec1)).getMessage();
    assertTrue(m.contains("'EC PRIVATE KEY'") && m.contains("openssl pkcs8 -topk8 -nocrypt -in " + sec1), m);
    Path encrypted = write("enc.key", pem("ENCRYPTED PRIVATE KEY", new byte[] {1, 2, 3}));
    m = assertThrows(TlsConfigException.class, () -> PemFiles.privateKey(encrypted)).getMessage();
    assertTrue(m.contains("encrypted"), m);
    Path garbage = write("garbage.key", pem("PRIVATE KEY", new byte[] {1, 2, 3}));
    m = assertThrows(TlsConfigException.class, () -> PemFiles.privateKey(garbage)).getMessage();
    assertTrue(m.startsWith("the private key file " + garbage + " holds no EC, RSA or Ed25519"), m);
    Path empty = write("empty.key", "");
    m = assertThrows(TlsConfigException.class, () -> PemFiles.privateKey(empty)).getMessage();
    assertTrue(m.contains("holds no PEM block"), m);
    for (String message : new String[] {m}) {
      assertTrue(!message.contains("\n"), "one line: " + message);
    }
  }

  @Test
  void missingAndNonCertificateFiles() throws Exception {
    Path missing = dir.resolve("nope.pem");
    assertEquals("the certificate file " + missing + " does not exist",
        assertThrows(TlsConfigException.class, () -> PemFiles.certificates(missing)).getMessage());
    assertEquals("the private key file " + missing + " does not exist",
        assertThrows(TlsConfigException.class, () -> PemFiles.privateKey(missing)).getMessage());
    Path notCert = write("x.pem", "hello\n");
    String m = assertThrows(TlsConfigException.class, () -> PemFiles.certificates(notCert)).getMessage();
    assertTrue(m.startsWith("the certificate file " + notCert) && !m.contains("\n"), m);
  }
}
