package quorumkv.server.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The in-flight body budget shared by a listener's connections. */
class BodyBudgetTest {
  private static final int MAX_BODY = 1000;

  private static EmbeddedChannel connection(BodyBudget.Pool pool) {
    return new EmbeddedChannel(new BodyBudget(pool, MAX_BODY));
  }

  private static HttpRequest put(long contentLength) {
    HttpRequest r = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.PUT, "/v1/kv/a");
    r.headers().set(HttpHeaderNames.CONTENT_LENGTH, contentLength);
    return r;
  }

  private static void answer(EmbeddedChannel ch) {
    ch.writeOutbound(Responses.full(new ApiResponse(200, "application/json", "{}".getBytes(StandardCharsets.UTF_8), null), true));
  }

  @Test
  void aRequestThatDoesNotFitIsRefusedWith429AndItsConnectionClosed() {
    BodyBudget.Pool pool = new BodyBudget.Pool(1500);
    EmbeddedChannel first = connection(pool);
    EmbeddedChannel second = connection(pool);
    HttpRequest big = put(1000);
    first.writeInbound(big);
    assertSame(big, first.readInbound(), "fits: passed on");
    assertEquals(1000, pool.held());

    second.writeInbound(put(600));
    assertNull(second.readInbound(), "refused: not passed on");
    FullHttpResponse refused = second.readOutbound();
    assertEquals(429, refused.status().code());
    assertTrue(refused.content().toString(StandardCharsets.UTF_8).contains("\"overloaded\""));
    assertEquals("1", refused.headers().get(HttpHeaderNames.RETRY_AFTER));
    assertFalse(second.isOpen(), "closed: its body is never read");
    assertEquals(1, pool.refused());
    assertEquals(1000, pool.held());
  }

  @Test
  void theBytesComeBackWhenTheResponseIsWrittenOrTheConnectionEnds() {
    BodyBudget.Pool pool = new BodyBudget.Pool(1500);
    EmbeddedChannel first = connection(pool);
    first.writeInbound(put(1000));
    answer(first);
    assertEquals(0, pool.held(), "answered");

    first.writeInbound(put(900));
    assertEquals(900, pool.held());
    first.close();
    assertEquals(0, pool.held(), "closed before the answer");
  }

  @Test
  void aBodilessRequestTakesNothingAndAChunkedOneTakesTheMaxBody() {
    BodyBudget.Pool pool = new BodyBudget.Pool(1500);
    EmbeddedChannel ch = connection(pool);
    ch.writeInbound(new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/v1/kv/a", Unpooled.EMPTY_BUFFER));
    assertEquals(0, pool.held());
    answer(ch);

    HttpRequest chunked = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.PUT, "/v1/kv/a");
    chunked.headers().set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
    ch.writeInbound(chunked);
    assertEquals(MAX_BODY, pool.held());
  }

  @Test
  void oneRequestAlwaysFitsIntoAnEmptyBudget() {
    BodyBudget.Pool pool = new BodyBudget.Pool(100);
    EmbeddedChannel ch = connection(pool);
    ch.writeInbound(put(1000));
    assertTrue(ch.isOpen());
    assertEquals(1000, pool.held(), "a budget below the max body never starves the largest request");
  }
}
