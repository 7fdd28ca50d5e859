package quorumkv.server.http;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;

/** Builds Netty responses from {@link ApiResponse} bodies. */
final class Responses {
  private Responses() {}

  static FullHttpResponse full(ApiResponse r, boolean keepAlive) {
    FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(r.status()),
        Unpooled.wrappedBuffer(r.body()));
    response.headers().set(HttpHeaderNames.CONTENT_TYPE, r.contentType())
        .setInt(HttpHeaderNames.CONTENT_LENGTH, r.body().length)
        .set(HttpHeaderNames.CONNECTION, keepAlive ? HttpHeaderValues.KEEP_ALIVE : HttpHeaderValues.CLOSE);
    if (r.status() == 429) {
      response.headers().setInt(HttpHeaderNames.RETRY_AFTER, 1);   // overloaded: nothing was done, try again soon
    }
    return response;
  }

  /** The answer to a HEAD request: GET's status and headers (its Content-Length included), no body. */
  static FullHttpResponse head(ApiResponse r, boolean keepAlive) {
    FullHttpResponse response = full(r, keepAlive);
    response.content().clear();
    return response;
  }

  /** An error that also ends the connection (the request stream can no longer be trusted). */
  static FullHttpResponse closing(int status, String code, String message) {
    return full(new ApiException(status, code, message).toResponse(), false);
  }
}
