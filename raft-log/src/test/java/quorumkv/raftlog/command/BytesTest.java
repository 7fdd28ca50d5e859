package quorumkv.raftlog.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** {@link Bytes#toString}, which error messages and logs use: short, and never a whole oversized value. */
class BytesTest {
  @Test
  void shortTextAndHexArePrintedWhole() {
    assertEquals("k/1", Bytes.utf8("k/1").toString());
    assertEquals("0x00ff", Bytes.copyOf(new byte[] {0, (byte) 0xFF}).toString());
    assertEquals("x".repeat(Bytes.SHOWN), Bytes.utf8("x".repeat(Bytes.SHOWN)).toString());
  }

  @Test
  void aLongKeyShowsAPrefixAndItsLength() {
    String shown = Bytes.utf8("k".repeat(5_000)).toString();
    assertEquals("k".repeat(Bytes.SHOWN) + "...(5000 bytes)", shown);
  }

  @Test
  void longBinaryShowsAHexPrefixAndItsLength() {
    byte[] b = new byte[1_000];
    String shown = Bytes.copyOf(b).toString();
    assertEquals("0x" + "00".repeat(Bytes.SHOWN / 2) + "...(1000 bytes)", shown);
  }

  @Test
  void nonAsciiTextIsShownAsHex() {
    assertTrue(Bytes.utf8("caf\u00e9").toString().startsWith("0x636166"));
  }
}
