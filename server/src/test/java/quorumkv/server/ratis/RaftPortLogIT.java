package quorumkv.server.ratis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import quorumkv.client.KvClient;
import quorumkv.server.testing.ErrLog;
import quorumkv.server.testing.LocalCluster;

/**
 * Garbage on a Raft port (an HTTP request, random bytes) is logged as one WARN line per interval, with
 * no stack trace, and the node keeps serving. Before, each such connection logged a full Http2Exception
 * stack trace through java.util.logging (a log flood from any port scanner).
 */
class RaftPortLogIT {
  @TempDir
  Path dir;

  @Test
  void garbageConnectionsLogOneLineAndNoStackTrace() throws Exception {
    ErrLog err = ErrLog.capture();
    long before = RaftPortLog.linesLogged();
    try (LocalCluster cluster = LocalCluster.start(1, dir); KvClient client = cluster.connect()) {
      cluster.waitForLeader(Duration.ofSeconds(20));
      client.put("before", "garbage");
      int port = cluster.config(0).bindPort();
      Random random = new Random(7);
      // The limit is per JVM: another test may have used this interval's line, so send until one shows.
      long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
      while (RaftPortLog.linesLogged() == before && System.nanoTime() - deadline < 0) {
        send(port, garbage(random, 0));
        Thread.sleep(50);
      }
      long first = RaftPortLog.linesLogged();
      assertTrue(first > before, "a garbage connection was logged");
      long burst = System.nanoTime();
      for (int i = 0; i < 30; i++) {
        send(port, garbage(random, i));
      }
      if (System.nanoTime() - burst < RaftPortLog.INTERVAL_NANOS / 2) {
        assertEquals(first, RaftPortLog.linesLogged(), "30 more connections within the interval log nothing more");
      }
      assertEquals("garbage", client.get("before").valueUtf8(), "the node still serves");
    } finally {
      err.release();
    }
    List<String> traces = err.lines(Pattern.compile("^\\s+at |Http2Exception: |^Caused by"));
    List<String> stackLines = traces.stream().filter(l -> !l.contains("WARN quorumkv.server.ratis.RaftPortLog")).toList();
    assertEquals(List.of(), stackLines, "no stack trace in the log");
    assertTrue(err.lines(Pattern.compile("WARN quorumkv\\.server\\.ratis\\.RaftPortLog")).size() <= 2,
        "one WARN line per interval");
  }

  /** An HTTP/1 request or random bytes. */
  private static byte[] garbage(Random random, int i) {
    if (i % 2 == 0) {
      return "GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
    }
    byte[] b = new byte[64 + random.nextInt(512)];
    random.nextBytes(b);
    return b;
  }

  private static void send(int port, byte[] bytes) throws IOException {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", port), 2_000);
      s.setSoTimeout(100);
      OutputStream out = s.getOutputStream();
      out.write(bytes);
      out.flush();
      try {
        s.getInputStream().read(new byte[1024]);   // the server answers with a GOAWAY or closes
      } catch (IOException ignored) {
        // reset or timeout: either way it was refused
      }
    }
  }
}
