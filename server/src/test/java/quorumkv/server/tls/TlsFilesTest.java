package quorumkv.server.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import quorumkv.client.tls.PemFiles;
import quorumkv.client.tls.TlsConfigException;
import quorumkv.client.tls.TlsFiles;
import quorumkv.server.testing.Eventually;

/**
 * TlsFiles over real TLS 1.3 handshakes on loopback (JDK provider), mutual: a node's certificate serves,
 * a client's certificate is required and checked, host names are verified; a rotated certificate is
 * presented by new connections while an open connection keeps working; bad files fail in one line.
 */
class TlsFilesTest {
  private static final Duration RELOAD = Duration.ofMillis(100);

  @TempDir
  Path dir;
  private final ExecutorService acceptor = Executors.newSingleThreadExecutor();

  @AfterEach
  void stop() {
    acceptor.shutdownNow();
  }

  private DevPki pki() throws IOException {
    return DevPki.openOrCreate(dir.resolve("pki"), "test");
  }

  private TlsFiles files(DevPki pki, String name) {
    return TlsFiles.open(pki.dir().resolve(DevPki.CA_CERT), pki.dir().resolve(name + ".pem"),
        pki.dir().resolve(name + ".key"), RELOAD);
  }

  private static SSLContext context(TlsFiles tls) throws Exception {
    SSLContext c = SSLContext.getInstance("TLSv1.3");
    c.init(new javax.net.ssl.KeyManager[] {tls.keyManager()}, new javax.net.ssl.TrustManager[] {tls.trustManager()}, null);
    return c;
  }

  /** A mutual-TLS server on loopback that answers each byte with a byte (the client certificate is required). */
  private SSLServerSocket server(TlsFiles tls) throws Exception {
    SSLServerSocket s = (SSLServerSocket) context(tls).getServerSocketFactory().createServerSocket(0, 50,
        InetAddress.getLoopbackAddress());
    s.setNeedClientAuth(true);
    s.setEnabledProtocols(new String[] {"TLSv1.3"});
    acceptor.submit(() -> {
      while (!s.isClosed()) {
        try {
          SSLSocket c = (SSLSocket) s.accept();
          Thread t = new Thread(() -> echo(c));
          t.setDaemon(true);
          t.start();
        } catch (IOException e) {
          return null;
        }
      }
      return null;
    });
    return s;
  }

  private static void echo(SSLSocket c) {
    try (c; InputStream in = c.getInputStream(); OutputStream out = c.getOutputStream()) {
      while (in.read() >= 0) {
        out.write(1);
        out.flush();
      }
    } catch (IOException e) {
      // the client went away, or its certificate was refused
    }
  }

  /** Connects to 127.0.0.1 or "localhost" (host-name verification on) and returns the server's certificate. */
  private static SSLSocket connect(TlsFiles tls, String host, int port) throws Exception {
    SSLSocket s = (SSLSocket) context(tls).getSocketFactory().createSocket(host, port);
    SSLParameters p = s.getSSLParameters();
    p.setEndpointIdentificationAlgorithm("HTTPS");
    p.setProtocols(new String[] {"TLSv1.3"});
    s.setSSLParameters(p);
    s.setSoTimeout(10_000);
    s.startHandshake();
    s.getOutputStream().write(1);
    s.getOutputStream().flush();
    if (s.getInputStream().read() < 0) {
      throw new IOException("the server closed the connection (refused the client certificate)");
    }
    return s;
  }

  private static BigInteger serverSerial(SSLSocket s) throws Exception {
    return ((X509Certificate) s.getSession().getPeerCertificates()[0]).getSerialNumber();
  }

  @Test
  void mutualTlsWorksWithTheDevelopmentCertificatesAndVerifiesHostNames() throws Exception {
    DevPki pki = pki();
    pki.issueNode("n1", List.of(), Duration.ofDays(1));
    pki.issueClient("app", Duration.ofDays(1));
    try (TlsFiles node = files(pki, "n1"); TlsFiles client = files(pki, "app");
         SSLServerSocket server = server(node)) {
      try (SSLSocket s = connect(client, "127.0.0.1", server.getLocalPort())) {
        assertEquals("TLSv1.3", s.getSession().getProtocol());
        assertEquals(node.certificate().getSerialNumber(), serverSerial(s));
      }
      try (SSLSocket s = connect(client, "localhost", server.getLocalPort())) {
        assertEquals(node.certificate().getSerialNumber(), serverSerial(s));
      }
    }
  }

  @Test
  void aServerWhoseCertificateDoesNotNameTheDialedHostIsRefused() throws Exception {
    DevPki pki = pki();
    // A client certificate has no names at all: serving with it, any host name check must fail.
    pki.issueClient("impostor", Duration.ofDays(1));
    pki.issueClient("app", Duration.ofDays(1));
    try (TlsFiles impostor = files(pki, "impostor"); TlsFiles client = files(pki, "app");
         SSLServerSocket server = server(impostor)) {
      assertThrows(IOException.class, () -> connect(client, "localhost", server.getLocalPort()).close());
    }
  }

  @Test
  void aClientFromAnotherCaIsRefused() throws Exception {
    DevPki pki = pki();
    pki.issueNode("n1", List.of(), Duration.ofDays(1));
    DevPki other = DevPki.openOrCreate(dir.resolve("other"), "other");
    other.issueClient("app", Duration.ofDays(1));
    // The stranger trusts our CA (it can verify the server) but its own certificate is from another CA.
    Files.copy(pki.dir().resolve(DevPki.CA_CERT), dir.resolve("our-ca.pem"));
    try (TlsFiles node = files(pki, "n1");
         TlsFiles stranger = TlsFiles.open(other.dir().resolve(DevPki.CA_CERT), other.dir().resolve("app.pem"),
             other.dir().resolve("app.key"), RELOAD);
         SSLServerSocket server = server(node)) {
      assertThrows(IOException.class, () -> connect(stranger, "localhost", server.getLocalPort()).close());
    }
  }

  @Test
  void aRotatedCertificateIsUsedByNewConnectionsWhileOpenOnesKeepWorking() throws Exception {
    DevPki pki = pki();
    pki.issueNode("n1", List.of(), Duration.ofDays(1));
    pki.issueClient("app", Duration.ofDays(1));
    try (TlsFiles node = files(pki, "n1"); TlsFiles client = files(pki, "app");
         SSLServerSocket server = server(node)) {
      SSLSocket open = connect(client, "localhost", server.getLocalPort());
      BigInteger before = serverSerial(open);
      // Let the file times move on (coarse mtimes), then rotate: a new key and certificate for n1.
      Thread.sleep(1100);
      pki.issueNode("n1", List.of(), Duration.ofDays(2));
      BigInteger rotated = PemFiles.certificates(pki.dir().resolve("n1.pem")).get(0).getSerialNumber();
      assertNotEquals(before, rotated);
      Eventually.assertTrue(Duration.ofSeconds(10), () -> {
        try (SSLSocket s = connect(client, "localhost", server.getLocalPort())) {
          return serverSerial(s).equals(rotated);
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      }, "a new connection sees the rotated certificate");
      open.getOutputStream().write(1);
      open.getOutputStream().flush();
      assertTrue(open.getInputStream().read() >= 0, "the connection opened before the rotation still works");
      assertEquals(before, serverSerial(open));
      open.close();
    }
  }

  @Test
  void badFilesAreRefusedInOneLineNamingTheCause() throws Exception {
    DevPki pki = pki();
    Path ca = pki.dir().resolve(DevPki.CA_CERT);
    pki.issueNode("n1", List.of(), Duration.ofDays(1));
    pki.issueNode("n2", List.of(), Duration.ofDays(1));
    Path cert = pki.dir().resolve("n1.pem");
    Path key = pki.dir().resolve("n1.key");

    assertOneLine(() -> TlsFiles.open(ca, dir.resolve("missing.pem"), key, RELOAD), "does not exist");
    assertOneLine(() -> TlsFiles.open(ca, cert, pki.dir().resolve("n2.key"), RELOAD), "does not belong to the certificate");
    Files.writeString(dir.resolve("garbage.key"), "-----BEGIN PRIVATE KEY-----\nnot base64 at all\n-----END PRIVATE KEY-----\n");
    assertOneLine(() -> TlsFiles.open(ca, cert, dir.resolve("garbage.key"), RELOAD), "garbage.key");
    Files.writeString(dir.resolve("empty.pem"), "");
    assertOneLine(() -> TlsFiles.open(ca, dir.resolve("empty.pem"), key, RELOAD), "holds no certificate");

    Instant now = Instant.now();
    pki.issue("old", DevPki.NODE_UNIT, List.of("old"), true, now.minus(Duration.ofDays(30)), now.minus(Duration.ofDays(1)));
    assertOneLine(() -> TlsFiles.open(ca, pki.dir().resolve("old.pem"), pki.dir().resolve("old.key"), RELOAD),
        "expired on");
    pki.issue("early", DevPki.NODE_UNIT, List.of("early"), true, now.plus(Duration.ofDays(1)), now.plus(Duration.ofDays(2)));
    assertOneLine(() -> TlsFiles.open(ca, pki.dir().resolve("early.pem"), pki.dir().resolve("early.key"), RELOAD),
        "is not valid before");

    DevPki other = DevPki.openOrCreate(dir.resolve("other"), "other");
    assertOneLine(() -> TlsFiles.open(other.dir().resolve(DevPki.CA_CERT), cert, key, RELOAD),
        "is not trusted by the CA bundle");
  }

  private static void assertOneLine(org.junit.jupiter.api.function.Executable open, String cause) {
    TlsConfigException e = assertThrows(TlsConfigException.class, open);
    assertFalse(e.getMessage().contains("\n"), e.getMessage());
    assertTrue(e.getMessage().contains(cause), e.getMessage());
  }

  @Test
  void keysAreWrittenOwnerOnly() throws Exception {
    DevPki pki = pki();
    pki.issueClient("app", Duration.ofDays(1));
    assertTrue(DevPki.ownerOnly(pki.dir().resolve(DevPki.CA_KEY)));
    assertTrue(DevPki.ownerOnly(pki.dir().resolve("app.key")));
    assertFalse(DevPki.ownerOnly(pki.dir().resolve("app.pem")));
    // Reopening the CA issues from the same CA.
    DevPki again = DevPki.openOrCreate(pki.dir(), "test");
    assertEquals(pki.caCertificate(), again.caCertificate());
    acceptor.awaitTermination(0, TimeUnit.MILLISECONDS);
  }
}
