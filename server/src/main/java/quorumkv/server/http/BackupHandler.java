package quorumkv.server.http;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import quorumkv.raftlog.command.Bytes;
import quorumkv.raftlog.command.Command;
import quorumkv.server.backup.BackupWriter;
import quorumkv.server.gateway.ClusterGateway;
import quorumkv.server.gateway.GatewayException;
import quorumkv.server.ratis.KvNode;

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
  private final ClusterGateway gateway;

  BackupHandler(KvNode node, ClusterGateway gateway) {
    this.node = node;
    this.gateway = gateway;
  }

  @Override
  public ApiResponse handle(ApiRequest request) throws ApiException {
    request.allowOnly();
    try {
      gateway.read(List.of(new Command.Range(Bytes.EMPTY, Bytes.EMPTY, 1)), ClusterGateway.Consistency.LINEARIZABLE, 0);
    } catch (GatewayException e) {
      throw GatewayErrors.toApi(e, false);
    }
    var store = node.stateMachine().store();
    if (store == null) {
      throw new ApiException(503, "unavailable", "the store is being replaced (snapshot install); retry");
    }
    Path file = null;
    try {
      Path dir = Files.createDirectories(node.config().dataDir().resolve("backups.tmp"));
      file = Files.createTempFile(dir, "backup-", ".qkv");
      BackupWriter.write(store, node.config().clusterId(), file);
      return ApiResponse.temporaryFile(CONTENT_TYPE, file);
    } catch (IOException e) {
      try {
        if (file != null) {
          Files.deleteIfExists(file);
        }
      } catch (IOException ignored) {
        // best effort
      }
      throw new ApiException(500, "backup_failed", "backup failed: " + e.getMessage());
    }
  }
}
