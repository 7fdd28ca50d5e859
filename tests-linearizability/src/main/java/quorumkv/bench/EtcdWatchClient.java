package quorumkv.bench;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.options.WatchOption;
import io.etcd.jetcd.watch.WatchEvent;
import io.etcd.jetcd.watch.WatchResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * etcd watches through one jetcd {@link Client} of their own. jetcd 0.8 opens one gRPC stream per watch
 * (over the client's connection to a member, members taken round robin), where etcd's Go client would
 * share one stream: that is what a Java service using jetcd gets, and what the numbers include. A watch
 * counts as established when etcd's "created" response arrives ({@code withCreateNotify}).
 */
final class EtcdWatchClient implements WatchClient {
  private final Client client;
  private final Watch watchClient;
  private final List<Watch.Watcher> watchers = new ArrayList<>();
  private final AtomicInteger established = new AtomicInteger();
  private final AtomicInteger failed = new AtomicInteger();
  private final WatchOption options = WatchOption.builder().withCreateNotify(true).build();

  EtcdWatchClient(List<String> clientUrls, java.nio.file.Path tlsDir) throws javax.net.ssl.SSLException {
    this.client = EtcdTarget.client(clientUrls, tlsDir);
    this.watchClient = client.getWatchClient();
  }

  @Override
  public void watch(String key, Consumer<byte[]> values) {
    Watch.Watcher w = watchClient.watch(ByteSequence.from(key, StandardCharsets.UTF_8), options, new Watch.Listener() {
      @Override
      public void onNext(WatchResponse response) {
        if (response.isCreatedNotify()) {
          established.incrementAndGet();
        }
        for (WatchEvent e : response.getEvents()) {
          if (e.getEventType() == WatchEvent.EventType.PUT) {
            values.accept(e.getKeyValue().getValue().getBytes());
          }
        }
      }

      @Override
      public void onError(Throwable error) {
        if (failed.getAndIncrement() < 3) {
          System.out.printf("  etcd watch on %s ended: %s%n", key, error);
        }
      }

      @Override
      public void onCompleted() {}
    });
    synchronized (watchers) {
      watchers.add(w);
    }
  }

  @Override
  public int established() {
    return established.get();
  }

  @Override
  public String servedBy() {
    return "3 members";   // jetcd's round robin: each watch stream on the next member
  }

  @Override
  public int failed() {
    return failed.get();
  }

  @Override
  public void closeWatches() {
    synchronized (watchers) {
      watchers.forEach(Watch.Watcher::close);
      watchers.clear();
      established.set(0);
    }
  }

  @Override
  public void close() {
    closeWatches();
    client.close();
  }
}
