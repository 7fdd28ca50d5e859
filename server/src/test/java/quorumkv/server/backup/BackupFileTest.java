package quorumkv.server.backup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import quorumkv.raftlog.command.AuthChange;
import quorumkv.raftlog.command.AuthState;
import quorumkv.raftlog.command.Bytes;
import quorumkv.raftlog.command.Caller;
import quorumkv.raftlog.command.Permission;
import quorumkv.raftlog.command.Command;
import quorumkv.raftlog.command.Request;
import quorumkv.raftlog.store.RocksKvStore;
import quorumkv.raftlog.store.StoreTransfer;
import quorumkv.raftlog.store.StoreOptions;

/** The backup file round-trips a store, and any damage to it is detected before a restore. */
class BackupFileTest {
  @TempDir
  Path dir;

  private Path backupOfThreeKeys() throws IOException {
    Path file = dir.resolve("b.qkv");
    try (RocksKvStore store = RocksKvStore.open(dir.resolve("db"), StoreOptions.DEFAULTS)) {
      for (int i = 1; i <= 3; i++) {
        store.applyWrite(Request.Write.unsessioned(List.of(new Command.Put(Bytes.utf8("k" + i), Bytes.utf8("v" + i)))), 1, i);
      }
      BackupFormat.Header h = BackupWriter.write(store, "c1", file);
      assertEquals(3, h.revision());
    }
    return file;
  }

  @Test
  void roundTripsHeaderAndEntries() throws IOException {
    BackupReader.Verified v = BackupReader.verify(backupOfThreeKeys());
    assertEquals(3, v.entries());
    assertEquals("c1", v.header().clusterId());
    assertEquals(3, v.header().appliedIndex());
  }

  @Test
  void detectsTruncationAndBitFlips() throws IOException {
    Path file = backupOfThreeKeys();
    byte[] bytes = Files.readAllBytes(file);
    for (int cut : new int[] {0, 5, bytes.length / 2, bytes.length - 1}) {
      Path truncated = dir.resolve("t" + cut);
      Files.write(truncated, java.util.Arrays.copyOf(bytes, cut));
      assertThrows(IOException.class, () -> BackupReader.verify(truncated), "cut at " + cut);
    }
    for (int at = 10; at < bytes.length; at += 7) {
      byte[] flipped = bytes.clone();
      flipped[at] ^= 0x10;
      Path damaged = dir.resolve("f" + at);
      Files.write(damaged, flipped);
      assertThrows(Exception.class, () -> BackupReader.verify(damaged), "flip at " + at);
    }
  }

  @Test
  void theUsersAndRolesTravelWithTheBackupIntoTheRestoredStore() throws IOException {
    Path file = dir.resolve("auth.qkv");
    AuthState granted;
    try (RocksKvStore store = RocksKvStore.open(dir.resolve("db"), StoreOptions.DEFAULTS)) {
      Caller root = new Caller("root", true);
      long index = 0;
      for (AuthChange c : List.of(new AuthChange.AddUser("alice"), new AuthChange.AddRole("r"),
          new AuthChange.GrantPermission("r", Permission.read("app/")), new AuthChange.GrantRole("alice", "r"))) {
        store.applyAuth(new Request.AuthUpdate(c), root, 1, ++index);
      }
      granted = store.authState();
      BackupWriter.write(store, "c1", file);
    }
    try (BackupReader reader = BackupReader.open(file)) {
      assertEquals(granted, reader.auth());
      StoreTransfer.seed(dir.resolve("restored"), StoreOptions.DEFAULTS, reader.header().revision(), reader.auth(),
          reader.entries());
    }
    try (RocksKvStore restored = RocksKvStore.open(dir.resolve("restored"), StoreOptions.DEFAULTS)) {
      assertEquals(granted, restored.authState());
    }
  }

  /** A file from before the auth section (version 1) still verifies and restores, with the initial users and roles. */
  @Test
  void aVersionOneFileIsStillRead() throws Exception {
    Path file = dir.resolve("v1.qkv");
    java.security.MessageDigest sha = java.security.MessageDigest.getInstance("SHA-256");
    java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
    try (java.io.DataOutputStream out = new java.io.DataOutputStream(new java.security.DigestOutputStream(bytes, sha))) {
      out.write(BackupFormat.MAGIC);
      out.writeByte(BackupFormat.VERSION_WITHOUT_AUTH);
      out.writeUTF("c1");
      out.writeLong(7);
      out.writeLong(1);
      out.writeLong(7);
      out.writeLong(0);
      out.writeByte(BackupFormat.ENTRY);
      out.writeInt(1);
      out.write('k');
      out.writeInt(1);
      out.write('v');
      out.writeLong(5);
      out.writeLong(5);
      out.writeLong(1);
      out.writeByte(BackupFormat.END);
      out.writeLong(1);
    }
    bytes.write(sha.digest());
    Files.write(file, bytes.toByteArray());
    BackupReader.Verified v = BackupReader.verify(file);
    assertEquals(1, v.entries());
    try (BackupReader reader = BackupReader.open(file)) {
      assertEquals(AuthState.INITIAL, reader.auth());
    }
  }

  @Test
  void versionThreeRecordsTheStoresContentHashAtItsRevision() throws IOException {
    Path file = dir.resolve("v3.qkv");
    quorumkv.raftlog.store.ContentHash.Result atBackup;
    try (RocksKvStore store = RocksKvStore.open(dir.resolve("db"), StoreOptions.DEFAULTS)) {
      for (int i = 1; i <= 3; i++) {
        store.applyWrite(Request.Write.unsessioned(List.of(new Command.Put(Bytes.utf8("k" + i), Bytes.utf8("v" + i)))), 1, i);
      }
      BackupWriter.write(store, "c1", file);
      atBackup = quorumkv.raftlog.store.ContentHash.of(store);
    }
    BackupReader.Verified v = BackupReader.verify(file);
    assertEquals(BackupFormat.VERSION, v.version());
    org.junit.jupiter.api.Assertions.assertArrayEquals(atBackup.hash(), v.recordedContentHash());
    org.junit.jupiter.api.Assertions.assertArrayEquals(atBackup.hash(), v.computedContentHash());
  }

  /** A value changed and the SHA-256 recomputed: the bytes check out, the recorded content hash does not. */
  @Test
  void aTamperedValueWithARecomputedDigestFailsTheContentHash() throws Exception {
    Path file = backupOfThreeKeys();
    Path tampered = tamperValue(file, dir.resolve("tampered.qkv"));
    IOException e = assertThrows(IOException.class, () -> BackupReader.verify(tampered));
    org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().contains("content hash mismatch"), e.getMessage());
  }

  /** Rewrites {@code file}'s value "v2" as "X2" and recomputes its SHA-256, as someone covering a change would. */
  static Path tamperValue(Path file, Path target) throws Exception {
    byte[] bytes = Files.readAllBytes(file);
    String text = new String(bytes, java.nio.charset.StandardCharsets.ISO_8859_1);
    int at = text.indexOf("v2");
    if (at < 0) {
      throw new AssertionError("no value v2 in " + file);
    }
    bytes[at] = 'X';
    java.security.MessageDigest sha = java.security.MessageDigest.getInstance("SHA-256");
    sha.update(bytes, 0, bytes.length - 32);
    System.arraycopy(sha.digest(), 0, bytes, bytes.length - 32, 32);
    Files.write(target, bytes);
    return target;
  }

  /** A file from before the content hash (version 2) still verifies; its hash is recomputed from its entries. */
  @Test
  void aVersionTwoFileIsStillRead() throws Exception {
    Path file = dir.resolve("v2.qkv");
    java.security.MessageDigest sha = java.security.MessageDigest.getInstance("SHA-256");
    java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
    byte[] auth = AuthState.INITIAL.encode();
    try (java.io.DataOutputStream out = new java.io.DataOutputStream(new java.security.DigestOutputStream(bytes, sha))) {
      out.write(BackupFormat.MAGIC);
      out.writeByte(BackupFormat.VERSION_WITHOUT_CONTENT_HASH);
      out.writeUTF("c1");
      out.writeLong(7);
      out.writeLong(1);
      out.writeLong(7);
      out.writeLong(0);
      out.writeInt(auth.length);
      out.write(auth);
      out.writeByte(BackupFormat.ENTRY);
      out.writeInt(1);
      out.write('k');
      out.writeInt(1);
      out.write('v');
      out.writeLong(5);
      out.writeLong(5);
      out.writeLong(1);
      out.writeByte(BackupFormat.END);
      out.writeLong(1);
    }
    bytes.write(sha.digest());
    Files.write(file, bytes.toByteArray());
    BackupReader.Verified v = BackupReader.verify(file);
    assertEquals(1, v.entries());
    assertEquals(2, v.version());
    assertEquals(null, v.recordedContentHash());
    quorumkv.raftlog.store.ContentHash expected = new quorumkv.raftlog.store.ContentHash();
    expected.auth(AuthState.INITIAL);
    expected.entry(new quorumkv.raftlog.command.KeyValue(Bytes.utf8("k"), Bytes.utf8("v"), 5, 5, 1));
    org.junit.jupiter.api.Assertions.assertArrayEquals(expected.finish(), v.expectedContentHash());
  }
}
