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
    if (spec.equals("default")) {
      return KvClientConfig.WriteBatching.DEFAULT;
    }
    if (spec.equals("off")) {
      return KvClientConfig.WriteBatching.OFF;
    }
    String[] parts = spec.split("x");
    if (parts.length != 2) {
      throw new IllegalArgumentException("--write-batching: default, off or MAXxINFLIGHT (e.g. 64x4), got " + spec);
    }
    return new KvClientConfig.WriteBatching(Integer.parseInt(parts[0]), Integer.parseInt(parts[1]));
  }

  /** "default", "off", or "MAXxINFLIGHT" (e.g. 64x4): the client's coalescing of linearizable gets. */
  static KvClientConfig.ReadBatching readBatching(String spec) {
    if (spec.equals("default")) {
      return KvClientConfig.ReadBatching.DEFAULT;
    }
    if (spec.equals("off")) {
      return KvClientConfig.ReadBatching.OFF;
    }
    String[] parts = spec.split("x");
    if (parts.length != 2) {
      throw new IllegalArgumentException("--read-batching: default, off or MAXxINFLIGHT (e.g. 64x4), got " + spec);
    }
    return new KvClientConfig.ReadBatching(Integer.parseInt(parts[0]), Integer.parseInt(parts[1]));
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
