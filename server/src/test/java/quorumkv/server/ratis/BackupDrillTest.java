package quorumkv.server.ratis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import quorumkv.raftlog.command.Bytes;
import quorumkv.raftlog.command.Command;
import quorumkv.raftlog.command.Request;
import quorumkv.raftlog.store.RocksKvStore;
import quorumkv.raftlog.store.StoreOptions;
import quorumkv.server.backup.BackupWriter;
import quorumkv.server.backup.Verification;

/**
 * The drill's scratch node takes ports chosen free a moment earlier; another process may take one in
 * between (CI at 644716b: RestoreDrillIT failed on "port 44129 is in use"). The drill tries again with fresh
 * ports, a bounded number of times, and deletes every scratch directory it made.
 */
class BackupDrillTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(90);

  @TempDir
  Path dir;
  private Path backup;
  private Path scratch;

  @BeforeEach
  void backupOfTwoKeys() throws Exception {
    backup = dir.resolve("b.qkv");
    scratch = dir.resolve("scratch");
    try (RocksKvStore store = RocksKvStore.open(dir.resolve("db"), StoreOptions.DEFAULTS)) {
      for (int i = 1; i <= 2; i++) {
        store.applyWrite(Request.Write.unsessioned(List.of(new Command.Put(Bytes.utf8("k" + i), Bytes.utf8("v" + i)))), 1, i);
      }
      BackupWriter.write(store, "drill", backup);
    }
  }

  @Test
  void aPortTakenAfterItWasChosenIsReplacedByAFreshOne() throws Exception {
    AtomicInteger choices = new AtomicInteger();
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      Verification v = BackupDrill.verify(backup, scratch, TIMEOUT, count -> {
        List<Integer> ports = new ArrayList<>(BackupDrill.freeLoopbackPorts(count));
        if (choices.incrementAndGet() == 1) {
          ports.set(0, taken.getLocalPort()); // the Raft port, taken by someone else meanwhile
        }
        return ports;
      });
      assertTrue(v.ok(), v.toString());
      assertEquals(2, choices.get(), "one more choice of ports after the taken one");
      assertEquals(2, v.keys());
    }
    assertScratchEmpty();
  }

  @Test
  void portsTakenEveryTimeFailTheDrillAfterAFewTriesSayingWhy() throws Exception {
    AtomicInteger choices = new AtomicInteger();
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      Verification v = BackupDrill.verify(backup, scratch, TIMEOUT, count -> {
        choices.incrementAndGet();
        List<Integer> ports = new ArrayList<>(BackupDrill.freeLoopbackPorts(count));
        ports.set(0, taken.getLocalPort());
        return ports;
      });
      assertFalse(v.ok(), v.toString());
      assertTrue(v.problem().contains("port " + taken.getLocalPort() + " is in use"), v.problem());
      assertEquals(3, choices.get(), "bounded: three tries");
    }
    assertScratchEmpty();
  }

  private void assertScratchEmpty() throws Exception {
    try (Stream<Path> s = Files.list(scratch)) {
      assertEquals(List.of(), s.toList(), "every scratch directory is deleted");
    }
  }
}
