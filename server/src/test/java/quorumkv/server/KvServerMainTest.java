package quorumkv.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

/** The server's JVM uses the common pool for CompletableFuture's async steps, never a thread per task. */
class KvServerMainTest {
  @Test
  void onTwoCoresOrFewerTheCommonPoolGetsTwoThreads() {
    assertEquals("2", KvServerMain.commonPoolParallelism(null, 2));
    assertEquals("2", KvServerMain.commonPoolParallelism(null, 1));
  }

  @Test
  void withMoreCoresOrAnOperatorsChoiceTheJvmDecides() {
    assertNull(KvServerMain.commonPoolParallelism(null, 4));
    assertNull(KvServerMain.commonPoolParallelism("1", 2));
  }
}
