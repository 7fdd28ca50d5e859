package quorumkv.raftlog.snapshot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.File;
import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.ratis.server.protocol.TermIndex;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.server.storage.RaftStorageDirectory;
import org.apache.ratis.util.FileUtils;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The newest snapshot, as Ratis's log appender asks for it on every pass: listed once while nothing changes,
 * and found again after a publish, a prune or a snapshot install that replaced the whole directory.
 */
class SnapshotStoreTest {
  @TempDir
  Path root;
  SnapshotStore store;
  Path sm;

  @BeforeEach
  void init() throws Exception {
    RaftStorageDirectory dir = (RaftStorageDirectory) Proxy.newProxyInstance(getClass().getClassLoader(),
        new Class<?>[] {RaftStorageDirectory.class}, (proxy, method, args) -> switch (method.getName()) {
          case "getRoot" -> root.toFile();
          case "getStateMachineDir" -> root.resolve("sm").toFile();
          default -> throw new UnsupportedOperationException(method.getName());
        });
    RaftStorage storage = (RaftStorage) Proxy.newProxyInstance(getClass().getClassLoader(),
        new Class<?>[] {RaftStorage.class}, (proxy, method, args) -> {
          if (method.getName().equals("getStorageDir")) {
            return dir;
          }
          throw new UnsupportedOperationException(method.getName());
        });
    store = new SnapshotStore();
    store.init(storage);
    sm = root.resolve("sm");
  }

  private void publish(long term, long index) throws Exception {
    TermIndex ti = TermIndex.valueOf(term, index);
    Path tmp = store.temporaryDir(ti);
    Files.createDirectories(tmp);
    Files.writeString(tmp.resolve("CURRENT"), "MANIFEST-1\n");
    store.publish(tmp, ti);
  }

  @Test
  void theNewestSnapshotIsListedOnceWhileNothingChanges() throws Exception {
    assertNull(store.getLatestSnapshot());
    publish(1, 10);
    assertEquals(10, store.getLatestSnapshot().getIndex());
    long listed = store.listings();
    for (int i = 0; i < 100; i++) {
      assertEquals(10, store.getLatestSnapshot().getIndex());
    }
    assertEquals(listed, store.listings(), "asked 100 times, listed no more");
  }

  @Test
  void aPublishAPruneAndAnInstallAreSeenAtOnce() throws Exception {
    publish(1, 10);
    assertEquals(10, store.getLatestSnapshot().getIndex());
    publish(2, 20);
    assertEquals(20, store.getLatestSnapshot().getIndex());
    store.cleanupOldSnapshots(new org.apache.ratis.statemachine.SnapshotRetentionPolicy() {
      @Override
      public int getNumSnapshotsRetained() {
        return 1;
      }
    });
    assertEquals(20, store.getLatestSnapshot().getIndex());
    assertEquals(1, store.getLatestSnapshot().getFiles().size());
    // A follower's install: Ratis moves the received directory into the place of the whole sm directory.
    Path received = root.resolve("received");
    Files.createDirectories(received.resolve("snapshot.3_30"));
    Files.writeString(received.resolve("snapshot.3_30").resolve("CURRENT"), "MANIFEST-2\n");
    FileUtils.deleteFully(sm);
    Files.move(received, sm);
    assertEquals(30, store.getLatestSnapshot().getIndex());
    File[] left = sm.toFile().listFiles();
    assertEquals(1, left.length);
  }
}
