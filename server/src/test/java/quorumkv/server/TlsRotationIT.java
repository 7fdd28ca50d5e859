package quorumkv.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import quorumkv.client.KvClient;
import quorumkv.client.KvClientConfig;
import quorumkv.client.KvException;
import quorumkv.client.connect.KvClients;
import quorumkv.client.tls.PemFiles;
import quorumkv.client.tls.TlsFiles;
import quorumkv.server.testing.Eventually;
import quorumkv.server.testing.LocalCluster;
import quorumkv.server.tls.DevPki;

/**
 * Certificate rotation under load: while clients write, every node's certificate and the client's are
 * re-issued on disk. New connections, on the Raft port and on HTTP, get the new certificates within the
 * reload interval; a connection opened before keeps working until it closes; no write fails and every
 * acknowledged write is there afterwards.
 */
class TlsRotationIT {
  private static final int WRITERS = 4;
  private static final int MAX_WRITES_PER_WRITER = 5_000;

  @TempDir
  Path dir;

  @Test
  @Timeout(value = 120, unit = TimeUnit.SECONDS)
  void rotatedCertificatesServeNewConnectionsWhileWritesGoOnAndNoneIsLost() throws Exception {
    DevPki pki = DevPki.openOrCreate(dir.resolve("pki"), "rotation");
    for (String node : List.of("n1", "n2", "n3")) {
      pki.issueNode(node, List.of(), Duration.ofDays(1));
    }
    pki.issueClient("root", Duration.ofDays(1));
    KvClientConfig.Tls rootTls = KvClientConfig.Tls.of(pki.dir().resolve(DevPki.CA_CERT),
        pki.dir().resolve("root.pem"), pki.dir().resolve("root.key"));
    try (LocalCluster cluster = LocalCluster.startWithHttp(3, dir.resolve("cluster"),
        HttpTlsIT.tlsSettings(pki.dir()))) {
      cluster.waitForLeader(Duration.ofSeconds(30));
      KvClientConfig config = cluster.clientConfig().tls(rootTls).deadline(Duration.ofSeconds(20)).build();
      BigInteger oldN1 = serial(pki.dir().resolve("n1.pem"));
      int http = port(cluster.httpAddress(0));
      int raft = cluster.config(0).bindPort();
      assertEquals(oldN1, serialShownBy(pki, http), "the control: n1's HTTP port shows its certificate");

      try (KvClient client = KvClients.connect(config); SSLSocket opened = connect(pki, http)) {
        AtomicBoolean stop = new AtomicBoolean();
        ConcurrentLinkedQueue<String> acknowledged = new ConcurrentLinkedQueue<>();
        ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
        AtomicLong attempts = new AtomicLong();
        List<Thread> writers = new ArrayList<>();
        for (int w = 0; w < WRITERS; w++) {
          int writer = w;
          Thread t = new Thread(() -> {
            for (int i = 0; i < MAX_WRITES_PER_WRITER && !stop.get(); i++) {
              String key = "rot/" + writer + "/" + i;
              attempts.incrementAndGet();
              try {
                client.put(key, key);
                acknowledged.add(key);
              } catch (KvException e) {
                failures.add(key + ": " + e);
              }
            }
          }, "rotation-writer-" + w);
          t.start();
          writers.add(t);
        }
        Thread.sleep(1_000);
        for (String node : List.of("n1", "n2", "n3")) {
          pki.issueNode(node, List.of(), Duration.ofDays(1));
        }
        pki.issueClient("root", Duration.ofDays(1));
        BigInteger newN1 = serial(pki.dir().resolve("n1.pem"));
        assertNotEquals(oldN1, newN1);

        // New connections get the new certificate within the reload interval (200 ms here).
        Eventually.assertTrue(Duration.ofSeconds(10), () -> newN1.equals(serialShownBy(pki, http)),
            "n1's HTTP port shows the new certificate to a new connection");
        Eventually.assertTrue(Duration.ofSeconds(10), () -> newN1.equals(serialShownBy(pki, raft)),
            "n1's Raft port shows the new certificate to a new connection");
        // A connection opened before the rotation keeps working, with the certificate it began with.
        assertEquals(oldN1, ((X509Certificate) opened.getSession().getPeerCertificates()[0]).getSerialNumber());
        assertEquals("HTTP/1.1 200 OK", request(opened, "/v1/cluster"));
        // A client that connects now presents the new client certificate and is served.
        try (KvClient fresh = KvClients.connect(config)) {
          fresh.put("rot/fresh", "after");
        }
        Thread.sleep(1_000);
        stop.set(true);
        for (Thread t : writers) {
          t.join(30_000);
        }
        assertTrue(failures.isEmpty(), failures.size() + " writes failed during the rotation, e.g. " + failures.peek());
        assertTrue(acknowledged.size() > 50, "writes went on during the rotation: " + acknowledged.size());
        for (String key : acknowledged) {
          assertEquals(key, client.get(key).valueUtf8(), "acknowledged write " + key);
        }
        System.out.printf("rotation under load: %d writes acknowledged of %d, none failed%n", acknowledged.size(),
            attempts.get());
      }
    }
  }

  private static BigInteger serial(Path pem) {
    return PemFiles.certificates(pem).get(0).getSerialNumber();
  }

  private static int port(String address) {
    return Integer.parseInt(address.substring(address.lastIndexOf(':') + 1));
  }

  /** A new TLS connection's view of the server certificate's serial, with the root client certificate. */
  private static BigInteger serialShownBy(DevPki pki, int port) {
    try (SSLSocket socket = connect(pki, port)) {
      return ((X509Certificate) socket.getSession().getPeerCertificates()[0]).getSerialNumber();
    } catch (Exception e) {
      return BigInteger.ZERO;
    }
  }

  private static SSLSocket connect(DevPki pki, int port) throws Exception {
    try (TlsFiles files = TlsFiles.open(pki.dir().resolve(DevPki.CA_CERT), pki.dir().resolve("root.pem"),
        pki.dir().resolve("root.key"), Duration.ofHours(1))) {
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(new KeyManager[] {files.keyManager()}, new TrustManager[] {files.trustManager()}, null);
      SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket(InetAddress.getLoopbackAddress(), port);
      socket.setSoTimeout(10_000);
      var params = socket.getSSLParameters();
      params.setApplicationProtocols(new String[] {"h2", "http/1.1"});
      socket.setSSLParameters(params);
      socket.startHandshake();
      return socket;
    }
  }

  /** One HTTP/1.1 GET on an open connection (kept alive); returns the status line. */
  private static String request(SSLSocket socket, String path) throws Exception {
    OutputStream out = socket.getOutputStream();
    out.write(("GET " + path + " HTTP/1.1\r\nHost: n1\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
    out.flush();
    return new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII)).readLine();
  }
}
