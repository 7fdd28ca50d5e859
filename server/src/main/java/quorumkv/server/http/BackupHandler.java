package quorumkv.server.http;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import quorumkv.client.KvException;
import quorumkv.client.KvClient;
import quorumkv.client.ReadOptions;
import quorumkv.raftlog.command.Bytes;
import quorumkv.server.ratis.KvNode;
import quorumkv.server.ratis.StoreBusyException;

/**
 * {@code GET /v1/backup}: a consistent backup file ({@code BackupFormat}) of the live cluster. A
 * linearizable read first makes this node catch up with every write acknowledged before the request;
 * then one RocksDB snapshot of its store is streamed to a temporary file under the data dir and sent.
 * The file holds the state exactly as of one revision (in its header). Ask the leader: a follower that
 * is installing a snapshot from the leader cannot serve it.
 */
final class BackupHandler implements Handler {
  static final String CONTENT_TYPE = "application/vnd.quorumkv.backup";

  private final KvNode node;
  private final KvClient client;

  BackupHandler(KvNode node, KvClient client) {
    this.node = node;
    this.client = client;
  }

  @Override
  public ApiResponse handle(ApiRequest request) throws ApiException {
    request.allowOnly();
    try {
      client.range(Bytes.EMPTY, Bytes.EMPTY, 1, ReadOptions.linearizable().atReplica(node.config().nodeId()));
    } catch (KvException e) {
      throw KvErrors.toApi(e, false);
    }
    Path file = null;
    try {
      Path dir = Files.createDirectories(node.config().dataDir().resolve("backups.tmp"));
      Path target = Files.createTempFile(dir, "backup-", ".qkv");
      file = target;
      node.exportBackup(target);
      return ApiResponse.temporaryFile(CONTENT_TYPE, file);
    } catch (StoreBusyException e) {
      deleteQuietly(file);
      throw new ApiException(503, "unavailable", "the store is being replaced (snapshot install); retry");
    } catch (IOException e) {
      deleteQuietly(file);
      throw new ApiException(500, "backup_failed", "backup failed: " + e.getMessage());
    }
  }

  private static void deleteQuietly(Path file) {
    try {
      if (file != null) {
        Files.deleteIfExists(file);
      }
    } catch (IOException ignored) {
      // best effort
    }
  }
}
