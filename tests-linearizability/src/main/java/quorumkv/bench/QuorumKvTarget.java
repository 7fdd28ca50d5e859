package quorumkv.bench;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import quorumkv.client.KvClient;
import quorumkv.client.KvClientConfig;
import quorumkv.client.KvResult;
import quorumkv.client.ReadConsistency;
import quorumkv.client.connect.KvClients;
import quorumkv.raftlog.command.Bytes;

/**
 * QuorumKV through its Java client: one shared {@link KvClient} (as a service would hold one), blocking
 * calls whose deadline is the driver's operation timeout; gets are {@link ReadConsistency#LINEARIZABLE}.
 */
final class QuorumKvTarget implements BenchTarget {
  private final KvClient client;
  private final Bytes[] keys;

  QuorumKvTarget(List<String> raftAddresses, int keyCount, Duration opTimeout,
      KvClientConfig.WriteBatching writeBatching, KvClientConfig.ReadBatching readBatching, KvClientConfig.Tls tls,
      boolean serverGroupCommit) {
    this.client = KvClients.connect(KvClientConfig.builder().addresses(raftAddresses).deadline(opTimeout)
        .writeBatching(writeBatching).readBatching(readBatching).tls(tls).serverGroupCommit(serverGroupCommit).build());
    this.name = tls.enabled() ? "quorumkv+tls" : "quorumkv";
    this.keys = new Bytes[keyCount];
    for (int i = 0; i < keyCount; i++) {
      keys[i] = Bytes.utf8(BenchTarget.keyName(i));
    }
  }

  /** "default", "off", or "MAXxINFLIGHT" (e.g. 64x4): the client's write batching. */
  static KvClientConfig.WriteBatching writeBatching(String spec) {
    return batching("--write-batching", spec, KvClientConfig.WriteBatching.DEFAULT, KvClientConfig.WriteBatching.OFF,
        KvClientConfig.WriteBatching::new);
  }

  /** "default", "off", or "MAXxINFLIGHT" (e.g. 64x4): the client's coalescing of linearizable gets. */
  static KvClientConfig.ReadBatching readBatching(String spec) {
    return batching("--read-batching", spec, KvClientConfig.ReadBatching.DEFAULT, KvClientConfig.ReadBatching.OFF,
        KvClientConfig.ReadBatching::new);
  }

  private static <T> T batching(String option, String spec, T defaults, T off,
      java.util.function.BiFunction<Integer, Integer, T> maxAndInFlight) {
    if (spec.equals("default")) {
      return defaults;
    }
    if (spec.equals("off")) {
      return off;
    }
    String[] parts = spec.split("x");
    if (parts.length != 2) {
      throw new IllegalArgumentException(option + ": default, off or MAXxINFLIGHT (e.g. 64x4), got " + spec);
    }
    return maxAndInFlight.apply(Integer.parseInt(parts[0]), Integer.parseInt(parts[1]));
  }

  /** "quorumkv", or "quorumkv+tls" for mutual TLS (and authorization: the client is an ordinary user). */
  private final String name;

  @Override
  public String name() {
    return name;
  }

  @Override
  public void put(int key, byte[] value) {
    client.put(keys[key], Bytes.wrap(value));
  }

  @Override
  public CompletableFuture<?> putAsync(String key, byte[] value) {
    return client.async().put(Bytes.utf8(key), Bytes.wrap(value));
  }

  @Override
  public int get(int key) {
    KvResult.Get r = client.get(keys[key], ReadConsistency.LINEARIZABLE);
    if (r.keyValue() == null) {
      throw new IllegalStateException("key " + key + " not found");
    }
    return r.keyValue().value().size();
  }

  @Override
  public void close() {
    client.close();
  }
}
