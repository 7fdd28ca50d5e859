package quorumkv.client;

import java.util.List;
import quorumkv.raftlog.command.Event;

/**
 * Receives one watch's events, on a thread of its own watch (one call at a time, in revision order).
 * A listener that takes long holds back only its own watch: events wait for it up to the watch's
 * {@link WatchOptions#bufferLimit() buffer limit}.
 */
public interface WatchListener {
  /** The events of one revision (one log entry: a transaction or a batch), in the order they applied. */
  void onEvents(long revision, List<Event> events);

  /**
   * Nothing this watch covers changed below {@code nextRevision}: a quiet watch hears this about once a
   * second, which tells "no changes" from "disconnected".
   */
  default void onProgress(long nextRevision) {}

  /**
   * The watch ended and delivers nothing more: {@link KvCompactedException} (resume impossible: re-read,
   * then watch again), {@link KvWatchOverflowException} (the listener fell too far behind),
   * {@link KvPermissionDeniedException} (a grant was revoked), {@link KvUnavailableException} (no node
   * could be reached within the client's deadline), {@link KvRejectedException} (bad options).
   */
  void onError(KvException error);
}
