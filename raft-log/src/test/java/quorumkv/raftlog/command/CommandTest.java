package quorumkv.raftlog.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import org.junit.jupiter.api.Test;

/** What each command says about itself: its keys, its values, and whether it is a single-key write. */
class CommandTest {
  private static final Bytes K = Bytes.utf8("k"), V = Bytes.utf8("v"), E = Bytes.utf8("expected");

  @Test
  void singleKeyCommands() {
    assertSelf(new Command.Get(K), List.of(K), List.of(), null);
    assertSelf(new Command.Put(K, V), List.of(K), List.of(V), K);
    assertSelf(new Command.Delete(K), List.of(K), List.of(), K);
    assertSelf(new Command.CompareAndSet(K, new Command.Expected.Value(E), V), List.of(K), List.of(V, E), K);
    assertSelf(new Command.CompareAndSet(K, new Command.Expected.Revision(3), V), List.of(K), List.of(V), K);
    assertSelf(new Command.PutIfAbsent(K, V), List.of(K), List.of(V), K);
    assertSelf(new Command.Range(K, Bytes.utf8("z"), 5), List.of(K), List.of(), null);
  }

  @Test
  void aTransactionAnswersForItsGuardsAndOperations() {
    Bytes g = Bytes.utf8("g"), a = Bytes.utf8("a"), b = Bytes.utf8("b");
    var txn = new Command.Txn(List.of(Guard.valueIs(g, E)), List.of(new Command.Put(a, V)), List.of(new Command.Delete(b)));
    assertSelf(txn, List.of(g, a, b), List.of(E, V), null);
  }

  @Test
  void expectationsMatchTheKeysState() {
    KeyValue kv = new KeyValue(K, V, 2, 3, 1);
    assertEquals(true, new Command.Expected.Revision(3).matches(kv));
    assertEquals(true, new Command.Expected.Revision(0).matches(null));
    assertEquals(false, new Command.Expected.Revision(0).matches(kv));
    assertEquals(true, new Command.Expected.Value(V).matches(kv));
    assertEquals(false, new Command.Expected.Value(V).matches(null));
  }

  private static void assertSelf(Command c, List<Bytes> keys, List<Bytes> values, Bytes singleKeyWriteKey) {
    assertEquals(keys, c.keys(), c + " keys");
    assertEquals(values, c.values(), c + " values");
    if (singleKeyWriteKey == null) {
      assertNull(c.singleKeyWriteKey(), c + " is not a single-key write");
    } else {
      assertEquals(singleKeyWriteKey, c.singleKeyWriteKey(), c + " single-key write");
    }
  }
}
