package quorumkv.raftlog.store;

import java.util.List;
import quorumkv.raftlog.command.Bytes;
import quorumkv.raftlog.command.KeyValue;

/** The key space as one command sees it: the committed state plus earlier writes of the same entry. */
interface KvView {
  /** The key's current state, or null if absent. */
  KeyValue get(Bytes key);

  /**
   * Up to {@code max} keys in {@code [start, end)} (empty end: unbounded), in unsigned byte order, cut
   * short (and marked truncated) once {@link Scans#MAX_RANGE_BYTES} are collected.
   */
  Scans.Page scan(Bytes start, Bytes end, int max);

  void put(KeyValue kv);

  void delete(Bytes key);
}
