package quorumkv.client;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import quorumkv.client.connect.KvClients;

/**
 * A write whose only attempt is still in flight when the deadline strikes may have been appended: it
 * must end outcome-unknown, never "unavailable". Regression: the deadline timer fired at the same instant
 * as the attempt's own timeout and won, reporting a definite failure for a CAS that had applied (found
 * by the namespace linearizability harness under a leader partition).
 */
class BlackholeWriteTest {
  @Test
  void aWriteInFlightAtTheDeadlineIsIndeterminate() throws Exception {
    List<Socket> held = new ArrayList<>();
    try (ServerSocket blackhole = new ServerSocket(0)) {
      Thread acceptor = new Thread(() -> {
        try {
          while (true) {
            held.add(blackhole.accept());   // accept, never answer: a host that went silent
          }
        } catch (Exception closed) {
          // test over
        }
      });
      acceptor.setDaemon(true);
      acceptor.start();
      KvClientConfig config = KvClientConfig.builder().addresses("127.0.0.1:" + blackhole.getLocalPort())
          .deadline(Duration.ofMillis(1500)).rpcTimeout(Duration.ofSeconds(5)).build();
      try (KvClient client = KvClients.connect(config)) {
        long t0 = System.nanoTime();
        assertThrows(KvIndeterminateException.class, () -> client.put("k", "v"));
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertTrue(ms < 1500 + 5000, "ended within its deadline plus slack: " + ms + " ms");
      }
    } finally {
      for (Socket s : held) {
        s.close();
      }
    }
  }
}
