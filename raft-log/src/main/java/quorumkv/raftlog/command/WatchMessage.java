package quorumkv.raftlog.command;

import java.util.List;

/**
 * The messages of a watch stream (see {@link WatchCodec}): a client opens one stream per node and
 * multiplexes its watches on it by id; the node answers each {@link Create} with {@link Created}, then
 * {@link Events} in revision order, until the client cancels or the node ends the watch ({@link Ended}).
 */
public sealed interface WatchMessage {
  /** In {@link Events}: the message is about every watch of the stream (progress only). */
  long ALL = -1;
  /** The gRPC service and method on the Raft port that carry watch streams (messages as {@link WatchCodec}). */
  String SERVICE = "quorumkv.Watch";
  String METHOD = "quorumkv.Watch/Watch";

  /**
   * Starts a watch of {@code key} (with {@code prefix}: of every key starting with it; an empty key with
   * prefix is every key) from {@code startRevision} inclusive; 0 means the revision after the node's
   * applied one. {@code resume}: the client is resuming a watch it had open elsewhere, so a start beyond
   * this node's revision is a position to wait for, not a mistake.
   */
  record Create(long watchId, Bytes key, boolean prefix, long startRevision, boolean withPrevious, boolean resume)
      implements WatchMessage {
    public Create {
      if (watchId < 0 || startRevision < 0 || key == null) {
        throw new IllegalArgumentException("a watch has an id >= 0, a key and a start revision >= 0");
      }
    }
  }

  record Cancel(long watchId) implements WatchMessage {}

  /** The watch is registered and starts at {@code startRevision} (0 in the request is resolved here). */
  record Created(long watchId, long startRevision) implements WatchMessage {}

  /**
   * Events of whole revisions, in order, and progress: every event of the watch below {@code next} has been
   * sent. With {@code watchId == ALL} and no events: every watch of the stream has reached {@code next}.
   */
  record Events(long watchId, long next, List<Event> events) implements WatchMessage {
    public Events {
      events = List.copyOf(events);
    }
  }

  /**
   * The node ended the watch: {@code code} says why ({@link ErrorCode#COMPACTED}: {@code oldest} is the oldest
   * revision still held; {@link ErrorCode#PERMISSION_DENIED}: the caller may not read the key any more).
   */
  record Ended(long watchId, ErrorCode code, String message, long oldest) implements WatchMessage {}
}
