package quorumkv.server.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The HTTP keys: defaults, derived port, validation, and the CLI's env variable not being a setting. */
class HttpConfigTest {
  private static final List<String> BASE = List.of("--node.id=n1", "--raft.peers=n1=127.0.0.1:9871,n2=127.0.0.1:9872",
      "--storage.data-dir=/tmp/qkv-http-config-test");

  @Test
  void defaultsDeriveThePortFromTheRaftPort() {
    ServerConfig c = ConfigLoader.load(BASE, Map.of());
    assertEquals(10871, c.http().port());
    assertEquals("0.0.0.0", c.http().bindHost());
    assertEquals(2 * 1024 * 1024, c.http().maxBodyBytes());
    assertEquals(Duration.ofSeconds(10), c.http().requestTimeout());
  }

  @Test
  void explicitValuesAndBadValues() {
    List<String> args = new java.util.ArrayList<>(BASE);
    args.addAll(List.of("--http.port=8080", "--http.max-body-bytes=64KB", "--http.idle-timeout=5s"));
    ServerConfig c = ConfigLoader.load(args, Map.of("QUORUMKV_ENDPOINTS", "127.0.0.1:8080"));
    assertEquals(8080, c.http().port());
    assertEquals(64 * 1024, c.http().maxBodyBytes());
    List<String> same = new java.util.ArrayList<>(BASE);
    same.add("--http.port=9871");
    assertTrue(assertThrows(ConfigException.class, () -> ConfigLoader.load(same, Map.of())).getMessage().contains("Raft port"));
    List<String> bad = new java.util.ArrayList<>(BASE);
    bad.add("--http.request-timeout=soon");
    assertThrows(ConfigException.class, () -> ConfigLoader.load(bad, Map.of()));
  }

  @Test
  void theOperationsPortFollowsTheHttpPortAndMustBeItsOwn() {
    ServerConfig byDefault = ConfigLoader.load(BASE, Map.of());
    assertEquals(11871, byDefault.ops().port());
    assertEquals("0.0.0.0", byDefault.ops().bindHost());
    assertEquals(32, byDefault.ops().maxConnections());

    List<String> args = new java.util.ArrayList<>(BASE);
    args.addAll(List.of("--http.port=8081", "--http.bind-host=127.0.0.1"));
    ServerConfig derived = ConfigLoader.load(args, Map.of());
    assertEquals(9081, derived.ops().port());
    assertEquals("127.0.0.1", derived.ops().bindHost());

    List<String> clash = new java.util.ArrayList<>(args);
    clash.add("--ops.port=8081");
    assertTrue(assertThrows(ConfigException.class, () -> ConfigLoader.load(clash, Map.of())).getMessage()
        .contains("HTTP port"));
    List<String> onRaft = new java.util.ArrayList<>(BASE);
    onRaft.add("--ops.port=9871");
    assertTrue(assertThrows(ConfigException.class, () -> ConfigLoader.load(onRaft, Map.of())).getMessage()
        .contains("Raft port"));
    ServerConfig explicit = ConfigLoader.load(List.of("--node.id=n1", "--raft.peers=n1=127.0.0.1:9871",
        "--storage.data-dir=/tmp/qkv-http-config-test", "--ops.port=7000", "--ops.bind-host=10.0.0.1",
        "--ops.max-connections=8"), Map.of());
    assertEquals(7000, explicit.ops().port());
    assertEquals("10.0.0.1", explicit.ops().bindHost());
    assertEquals(8, explicit.ops().maxConnections());
  }

  @Test
  void theInflightBudgetIsSizedFromTheHeapOrSetAndNeverBelowOneLargestBody() {
    long auto = ConfigLoader.load(BASE, Map.of()).http().maxInflightBytes();
    assertEquals(Math.max(2L * 1024 * 1024, Math.min(64L * 1024 * 1024, Runtime.getRuntime().maxMemory() / 16)), auto);

    List<String> args = new java.util.ArrayList<>(BASE);
    args.add("--http.max-inflight-bytes=8MB");
    assertEquals(8L * 1024 * 1024, ConfigLoader.load(args, Map.of()).http().maxInflightBytes());

    List<String> tooSmall = new java.util.ArrayList<>(BASE);
    tooSmall.add("--http.max-inflight-bytes=1MB");
    assertTrue(assertThrows(ConfigException.class, () -> ConfigLoader.load(tooSmall, Map.of())).getMessage()
        .contains("quorumkv.http.max-body-bytes"));
  }
}
