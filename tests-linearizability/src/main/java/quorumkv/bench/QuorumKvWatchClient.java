package quorumkv.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import quorumkv.client.ClusterStatus;
import quorumkv.client.KvClient;
import quorumkv.client.KvClientConfig;
import quorumkv.client.KvException;
import quorumkv.client.Watch;
import quorumkv.client.WatchListener;
import quorumkv.client.WatchOptions;
import quorumkv.client.connect.KvClients;
import quorumkv.raftlog.command.Event;

/**
 * QuorumKV watches through one {@link KvClient} of their own: the client carries all of them on one gRPC
 * stream to one node. A watch counts as established once the node's confirmation has reached the listener
 * side ({@link Watch#nextRevision()} leaves 0): events from then on are delivered.
 */
final class QuorumKvWatchClient implements WatchClient {
  private final KvClient client;
  private final List<Watch> watches = new ArrayList<>();
  private final AtomicInteger failed = new AtomicInteger();

  QuorumKvWatchClient(List<String> raftAddresses, Duration deadline, KvClientConfig.Tls tls) {
    this.client = KvClients.connect(KvClientConfig.builder().addresses(raftAddresses).deadline(deadline).tls(tls)
        .build());
  }

  @Override
  public void watch(String key, Consumer<byte[]> values) {
    Watch w = client.watch(WatchOptions.key(key), new WatchListener() {
      @Override
      public void onEvents(long revision, List<Event> events) {
        for (Event e : events) {
          if (e.type() == Event.Type.PUT) {
            values.accept(e.kv().value().unsafeArray());
          }
        }
      }

      @Override
      public void onError(KvException error) {
        if (failed.getAndIncrement() < 3) {
          System.out.printf("  quorumkv watch on %s ended: %s%n", key, error);
        }
      }
    });
    synchronized (watches) {
      watches.add(w);
    }
  }

  @Override
  public int established() {
    synchronized (watches) {
      return (int) watches.stream().filter(w -> w.nextRevision() > 0).count();
    }
  }

  /**
   * The node the client's one watch stream reaches: its first member (voters in id order, so n1 in
   * bin/bench's cluster; it moves on only when the stream breaks), and whether that node leads now, from
   * the cluster status (the leader's view); "?" if it cannot be read.
   */
  @Override
  public String servedBy() {
    try {
      ClusterStatus status = client.admin().clusterStatus();
      ClusterStatus.Member first = status.voters().get(0);
      return first.id() + (first.leader() ? " (leader)" : " (follower)");
    } catch (RuntimeException e) {
      return "?";
    }
  }

  @Override
  public int failed() {
    return failed.get();
  }

  @Override
  public void closeWatches() {
    synchronized (watches) {
      watches.forEach(Watch::close);
      watches.clear();
    }
  }

  @Override
  public void close() {
    closeWatches();
    client.close();
  }
}
