package quorumkv.raftlog.command;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** The codec round-trips everything, and arbitrary bytes never decode silently into something else. */
class CommandCodecProperties {

  @Provide
  Arbitrary<Request> requests() {
    return CommandArbitraries.requests();
  }

  @Provide
  Arbitrary<Response> responses() {
    return CommandArbitraries.responses();
  }

  @Provide
  Arbitrary<byte[]> garbage() {
    return Arbitraries.bytes().array(byte[].class).ofMaxSize(200);
  }

  @Property(tries = 500)
  void everyRequestRoundTrips(@ForAll("requests") Request request) {
    assertEquals(request, RequestCodec.decode(RequestCodec.encode(request)));
  }

  @Property(tries = 500)
  void everyResponseRoundTrips(@ForAll("responses") Response response) {
    assertEquals(response, ResultCodec.decodeResponse(ResultCodec.encode(response)));
  }

  /**
   * Arbitrary bytes either fail with a codec error or decode to the one message whose encoding is exactly
   * those bytes: the format is canonical, so nothing decodes "approximately".
   */
  @Property(tries = 2000)
  void arbitraryBytesNeverDecodeSilently(@ForAll("garbage") byte[] bytes) {
    try {
      Request r = RequestCodec.decode(bytes);
      assertArrayEquals(bytes, RequestCodec.encode(r));
    } catch (CommandCodecException expected) {
      // rejected with a clear error
    }
    try {
      Response r = ResultCodec.decodeResponse(bytes);
      assertArrayEquals(bytes, ResultCodec.encode(r));
    } catch (CommandCodecException expected) {
      // rejected with a clear error
    }
  }

  /** Garbage with a valid header exercises the decoder past the version byte. */
  @Property(tries = 2000)
  void garbageAfterAValidHeaderNeverDecodesSilently(@ForAll("garbage") byte[] tail) {
    byte[] bytes = new byte[tail.length + 2];
    bytes[0] = (byte) RequestCodec.FORMAT_VERSION;
    bytes[1] = (byte) (tail.length % 2 + 1);
    System.arraycopy(tail, 0, bytes, 2, tail.length);
    arbitraryBytesNeverDecodeSilently(bytes);
  }

  @Property(tries = 300)
  void everyTruncationIsRejected(@ForAll("requests") Request request) {
    byte[] full = RequestCodec.encode(request);
    for (int len = 0; len < full.length; len++) {
      byte[] cut = Arrays.copyOf(full, len);
      assertThrows(CommandCodecException.class, () -> RequestCodec.decode(cut), "prefix of " + len);
    }
  }

  @Property(tries = 300)
  void aFlippedByteIsRejectedOrDecodesCanonically(@ForAll("requests") Request request,
      @ForAll byte flip, @ForAll int position) {
    byte[] bytes = RequestCodec.encode(request);
    int i = Math.floorMod(position, bytes.length);
    bytes[i] ^= (flip == 0 ? 1 : flip);
    arbitraryBytesNeverDecodeSilently(bytes);
  }
}
