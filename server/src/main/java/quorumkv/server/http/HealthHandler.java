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
 * {@code GET /health}, liveness: 503 only when restarting the node would help (see
 * {@link KvNode#liveness()}: its Raft server stopped, a member that did not recover in time, a wedged
 * self-check) or its data directory refuses a small fsynced write for a reason other than a full disk;
 * 200 otherwise. A node that is degraded and healing itself (disk below its floor, member restarting)
 * stays healthy and says why it is not ready on {@code /ready}, so an orchestrator does not restart it.
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
      if (!node.condition().belowFloor()) {
        throw new ApiException(503, "unhealthy", "storage is not writable: " + e.getMessage());
      }
      // A full disk is not a reason to restart: the node is degraded and heals when space returns (/ready says so).
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
