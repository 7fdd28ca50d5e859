package quorumkv.server.http;

import java.io.IOException;
import quorumkv.server.metrics.NodeMetrics;

/** {@code GET /metrics}: every metric of this node in Prometheus text format. */
final class MetricsHandler implements Handler {
  private final NodeMetrics metrics;

  MetricsHandler(NodeMetrics metrics) {
    this.metrics = metrics;
  }

  @Override
  public ApiResponse handle(ApiRequest request) throws ApiException {
    try {
      return new ApiResponse(200, metrics.contentType(), metrics.scrape(), null);
    } catch (IOException e) {
      throw new ApiException(500, "internal", "scrape failed: " + e.getMessage());
    }
  }
}
