package quorumkv.client.internal;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import quorumkv.client.KvClient;
import quorumkv.client.KvElection;
import quorumkv.client.KvException;
import quorumkv.client.KvLock;
import quorumkv.client.KvResult;
import quorumkv.client.Watch;
import quorumkv.client.WatchListener;
import quorumkv.client.WatchOptions;
import quorumkv.raftlog.command.Bytes;
import quorumkv.raftlog.command.Event;
import quorumkv.raftlog.command.KeyValue;

/** An election: candidates are {@link LockRecipe} contenders; the oldest one alive leads. */
final class ElectionFacet implements KvElection {
  private final KvClient client;
  private final int maxKeyBytes;
  private final String name;
  private final Duration ttl;
  private final Bytes prefix;

  ElectionFacet(KvClient client, int maxKeyBytes, String name, Duration ttl) {
    this.client = client;
    this.maxKeyBytes = maxKeyBytes;
    this.name = name;
    this.ttl = Objects.requireNonNull(ttl, "ttl");
    this.prefix = LockRecipe.prefix(name, maxKeyBytes);
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public KvLock campaign(String proposal) {
    return LockRecipe.acquire(client, maxKeyBytes, name, Bytes.utf8(proposal), ttl, -1);
  }

  @Override
  public KvLock campaign(String proposal, Duration maxWait) {
    return LockRecipe.acquire(client, maxKeyBytes, name, Bytes.utf8(proposal), ttl, maxWait.toNanos());
  }

  @Override
  public Optional<Leader> leader() {
    Map<Bytes, KeyValue> candidates = new HashMap<>();
    client.prefix(prefix, 0).keyValues().forEach(kv -> candidates.put(kv.key(), kv));
    return leaderOf(candidates);
  }

  private Optional<Leader> leaderOf(Map<Bytes, KeyValue> candidates) {
    return candidates.values().stream().filter(kv -> LockRecipe.isContender(prefix, kv))
        .min(java.util.Comparator.comparingLong(KeyValue::createRevision))
        .map(kv -> new Leader(kv.value().toStringUtf8(), kv.createRevision(), kv.key()));
  }

  @Override
  public Watch observe(Consumer<Optional<Leader>> onChange) {
    KvResult.Range now = client.prefix(prefix, 0);
    Map<Bytes, KeyValue> candidates = new HashMap<>();
    now.keyValues().forEach(kv -> candidates.put(kv.key(), kv));
    Optional<Leader> first = leaderOf(candidates);
    onChange.accept(first);
    return client.watch(new WatchOptions(prefix, true, now.revision() + 1, false, WatchOptions.DEFAULT_BUFFER_LIMIT),
        new WatchListener() {
          private Optional<Leader> last = first;

          @Override
          public void onEvents(long revision, List<Event> events) {
            for (Event e : events) {
              if (e.type() == Event.Type.DELETE) {
                candidates.remove(e.kv().key());
              } else {
                candidates.put(e.kv().key(), e.kv());
              }
            }
            Optional<Leader> current = leaderOf(candidates);
            if (!current.equals(last)) {
              last = current;
              onChange.accept(current);
            }
          }

          @Override
          public void onError(KvException error) {
            // The watch ended (see WatchListener#onError): observers learn it from the watch's end, the
            // leader stays unknown from here; observe again to resume.
            onChange.accept(Optional.empty());
          }
        });
  }
}
