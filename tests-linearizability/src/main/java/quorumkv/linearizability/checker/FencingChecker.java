package quorumkv.linearizability.checker;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Judges a lock run's committed history (every change under the run's prefix, in revision order, as a
 * watch from before the run delivered it): each accepted fenced write names the token it was written
 * under, and must have been written while that token's holder held the lock, that is, while its key was
 * the oldest contender key alive; and the tokens of accepted writes never decrease.
 *
 * <p>Pure: no cluster, no client, so every rule has a unit test.
 */
public final class FencingChecker {
  /** One committed change: a contender key put (with its create revision) or deleted, or a fenced record. */
  public record Change(long revision, String key, boolean deleted, long createRevision, String value) {}

  /** What the history showed; {@code violations} empty means every rule held. */
  public record Verdict(int acceptedWrites, int holders, List<String> violations) {
    public boolean ok() {
      return violations.isEmpty();
    }
  }

  private FencingChecker() {}

  /**
   * @param lockPrefix the contenders' key prefix ({@code name/})
   * @param recordKey the key every fenced write puts, with the value {@code token:writer:seq}
   */
  public static Verdict check(List<Change> history, String lockPrefix, String recordKey) {
    Map<String, Long> alive = new HashMap<>();
    List<String> violations = new ArrayList<>();
    java.util.Set<Long> holders = new java.util.HashSet<>();
    long lastToken = 0;
    int accepted = 0;
    long lastRevision = 0;
    for (Change c : history) {
      if (c.revision() < lastRevision) {
        violations.add("history out of order at revision " + c.revision());
      }
      lastRevision = c.revision();
      if (c.key().startsWith(lockPrefix)) {
        if (c.deleted()) {
          alive.remove(c.key());
        } else {
          alive.put(c.key(), c.createRevision());
        }
      } else if (c.key().equals(recordKey) && !c.deleted()) {
        accepted++;
        long token = Long.parseLong(c.value().split(":", 2)[0]);
        // The write's entry holds only the record: the lock keys as they are now are the state it was judged on.
        long holder = alive.values().stream().mapToLong(Long::longValue).min().orElse(0);
        holders.add(holder);
        if (token != holder) {
          violations.add("revision " + c.revision() + ": write '" + c.value() + "' accepted under token " + token
              + " while the holder's token was " + (holder == 0 ? "none (no holder)" : holder));
        }
        if (token < lastToken) {
          violations.add("revision " + c.revision() + ": token " + token + " after token " + lastToken + " (decreased)");
        }
        lastToken = Math.max(lastToken, token);
      }
    }
    return new Verdict(accepted, holders.size(), List.copyOf(violations));
  }
}
