package quorumkv.raftlog.command;

/**
 * One change to one key at one revision: what a watch delivers and what the store's history keeps.
 *
 * @param type a put (create or update) or a delete
 * @param kv for a put, the key as written; for a delete, the key with an empty value, version 0, create
 *     revision 0 and mod revision = the delete's revision (as etcd reports a delete)
 * @param previous the key before the change, or null if it was absent (a delete of an absent key records
 *     no event)
 */
public record Event(Type type, KeyValue kv, KeyValue previous) {
  public enum Type { PUT, DELETE }

  public Event {
    if (type == null || kv == null) {
      throw new IllegalArgumentException("an event has a type and a key");
    }
  }

  /** The revision of the entry that made the change. */
  public long revision() {
    return kv.modRevision();
  }

  public static Event put(KeyValue written, KeyValue previous) {
    return new Event(Type.PUT, written, previous);
  }

  public static Event delete(Bytes key, long revision, KeyValue previous) {
    return new Event(Type.DELETE, new KeyValue(key, Bytes.EMPTY, 0, revision, 0), previous);
  }

  /** The same event without its previous value (for watches that did not ask for it). */
  public Event withoutPrevious() {
    return previous == null ? this : new Event(type, kv, null);
  }
}
