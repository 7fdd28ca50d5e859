package quorumkv.bench;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.options.GetOption;
import java.time.Duration;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * etcd through jetcd: one shared {@link Client} over the given endpoints (jetcd's default round-robin
 * balancing, as applications use it), each call waited for at most the operation timeout. Gets are
 * linearizable ({@code serializable=false}, etcd's default, set explicitly). With a TLS directory the client
 * shows {@code app.pem} to members started with client-certificate authentication ("etcd+tls").
 */
final class EtcdTarget implements BenchTarget {
  private final Client client;
  private final KV kv;
  private final ByteSequence[] keys;
  private final long timeoutMs;
  private final GetOption linearizable = GetOption.builder().withSerializable(false).build();

  private final String name;

  /** @param tlsDir the CA's directory (ca.pem, app.pem, app.key), or null for plaintext */
  EtcdTarget(List<String> clientUrls, int keyCount, Duration opTimeout, java.nio.file.Path tlsDir)
      throws javax.net.ssl.SSLException {
    this.client = client(clientUrls, tlsDir);
    this.name = tlsDir == null ? "etcd" : "etcd+tls";
    this.kv = client.getKVClient();
    this.timeoutMs = opTimeout.toMillis();
    this.keys = new ByteSequence[keyCount];
    for (int i = 0; i < keyCount; i++) {
      keys[i] = ByteSequence.from(BenchTarget.keyName(i).getBytes(StandardCharsets.UTF_8));
    }
  }

  /** A jetcd client over {@code clientUrls}, with {@code app}'s certificate when {@code tlsDir} is given. */
  static Client client(List<String> clientUrls, java.nio.file.Path tlsDir) throws javax.net.ssl.SSLException {
    var builder = Client.builder().endpoints(clientUrls.toArray(new String[0]));
    if (tlsDir != null) {
      builder.sslContext(b -> b.trustManager(tlsDir.resolve("ca.pem").toFile())
          .keyManager(tlsDir.resolve("app.pem").toFile(), tlsDir.resolve("app.key").toFile()));
    }
    return builder.build();
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public void put(int key, byte[] value) throws Exception {
    // ByteSequence.from copies the array, as Bytes.wrap on the QuorumKV side does not: one 1 KiB copy
    // per put on the client, noise next to the RPC.
    kv.put(keys[key], ByteSequence.from(value)).get(timeoutMs, TimeUnit.MILLISECONDS);
  }

  @Override
  public CompletableFuture<?> putAsync(String key, byte[] value) {
    return kv.put(ByteSequence.from(key, StandardCharsets.UTF_8), ByteSequence.from(value));
  }

  @Override
  public int get(int key) throws Exception {
    GetResponse r = kv.get(keys[key], linearizable).get(timeoutMs, TimeUnit.MILLISECONDS);
    if (r.getKvs().isEmpty()) {
      throw new IllegalStateException("key " + key + " not found");
    }
    return r.getKvs().get(0).getValue().size();
  }

  @Override
  public void close() {
    client.close();
  }
}
