package quorumkv.server.http;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import quorumkv.server.ratis.KvNode;
import quorumkv.server.status.Liveness;

/**
 * {@code GET /health}: 200 while the process runs, its Raft server is alive, its store is open and its
 * data directory takes a small fsynced write; 503 naming the failed check otherwise. Liveness only: a
 * healthy node may still be cut off from the others (see {@code /ready}).
 */
final class HealthHandler implements Handler {
  private final KvNode node;

  HealthHandler(KvNode node) {
    this.node = node;
  }

  @Override
  public ApiResponse handle(ApiRequest request) throws ApiException {
    request.allowOnly();
    Liveness liveness = node.liveness();
    if (!liveness.isAlive()) {
      throw new ApiException(503, "unhealthy", liveness.problem());
    }
    Path probe = node.config().dataDir().resolve(".health-probe");
    try (FileChannel ch = FileChannel.open(probe, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
        StandardOpenOption.TRUNCATE_EXISTING)) {
      ch.write(ByteBuffer.wrap(Long.toString(System.nanoTime()).getBytes(java.nio.charset.StandardCharsets.US_ASCII)));
      ch.force(true);
    } catch (IOException e) {
      throw new ApiException(503, "unhealthy", "storage is not writable: " + e.getMessage());
    } finally {
      try {
        Files.deleteIfExists(probe);
      } catch (IOException ignored) {
        // reported by the write above if it matters
      }
    }
    return ApiResponse.ok(Json.object().put("status", "ok").put("node", node.config().nodeId()));
  }
}
