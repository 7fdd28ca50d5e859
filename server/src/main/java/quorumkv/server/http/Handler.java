package quorumkv.server.http;

/** Serves one resource; runs on a worker thread and may block on the cluster. */
@FunctionalInterface
public interface Handler {
  ApiResponse handle(ApiRequest request) throws ApiException;
}
