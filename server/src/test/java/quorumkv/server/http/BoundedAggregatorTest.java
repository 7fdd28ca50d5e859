package quorumkv.server.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The aggregator's own answers (to Expect and to oversized bodies) are JSON errors like every other. */
class BoundedAggregatorTest {
  private static HttpRequest put(String expect, long contentLength) {
    HttpRequest request = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.PUT, "/v1/kv/a");
    request.headers().set(HttpHeaderNames.CONTENT_LENGTH, contentLength).set(HttpHeaderNames.EXPECT, expect);
    return request;
  }

  private static String body(FullHttpResponse response) {
    return response.content().toString(StandardCharsets.UTF_8);
  }

  @Test
  void anUnknownExpectationIsAJson417AndTheConnectionCloses() {
    EmbeddedChannel channel = new EmbeddedChannel(new BoundedAggregator(1024));
    channel.writeInbound(put("teapot", 10));
    FullHttpResponse response = channel.readOutbound();
    assertEquals(417, response.status().code());
    assertTrue(body(response).startsWith("{\"error\":\"expectation_failed\""), body(response));
    assertFalse(body(response).contains("teapot".repeat(2)), body(response));
    assertEquals("close", response.headers().get(HttpHeaderNames.CONNECTION));
    response.release();
    assertFalse(channel.isOpen(), "closed after the 417");
  }

  @Test
  void aLongUnknownExpectationIsQuotedOnlyInPart() {
    EmbeddedChannel channel = new EmbeddedChannel(new BoundedAggregator(1024));
    channel.writeInbound(put("x".repeat(5_000), 10));
    FullHttpResponse response = channel.readOutbound();
    assertEquals(417, response.status().code());
    assertTrue(body(response).length() < 400, body(response));
    response.release();
  }

  @Test
  void continueIsStillSentForASmallBody() {
    EmbeddedChannel channel = new EmbeddedChannel(new BoundedAggregator(1024));
    channel.writeInbound(put("100-continue", 10));
    HttpResponse response = channel.readOutbound();
    assertEquals(100, response.status().code());
    channel.writeInbound(new DefaultLastHttpContent(Unpooled.wrappedBuffer(new byte[10])));
    FullHttpRequest aggregated = channel.readInbound();
    assertEquals(10, aggregated.content().readableBytes());
    aggregated.release();
    assertTrue(channel.isOpen());
  }

  @Test
  void continueForAnOversizedBodyIsAJson413() {
    EmbeddedChannel channel = new EmbeddedChannel(new BoundedAggregator(1024));
    channel.writeInbound(put("100-continue", 5_000));
    FullHttpResponse response = channel.readOutbound();
    assertEquals(413, response.status().code());
    assertTrue(body(response).startsWith("{\"error\":\"body_too_large\""), body(response));
    response.release();
  }
}
