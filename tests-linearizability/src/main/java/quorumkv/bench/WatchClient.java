package quorumkv.bench;

import java.util.function.Consumer;

/**
 * The watching side of one system, on a client of its own (as a service holds one client for its watches,
 * apart from the one that writes): opens watches on single keys and hands the value of every put event to
 * a sink, on the client's listener threads. Thread-safe.
 */
interface WatchClient extends AutoCloseable {

  /** Opens a watch on {@code key} from now on; {@code values} gets each put event's value. */
  void watch(String key, Consumer<byte[]> values);

  /** Watches opened so far that the serving node has confirmed: from then on no change is missed. */
  int established();

  /** Watches opened so far that ended with an error (each one is also printed, the first few in full). */
  int failed();

  /**
   * Where the watches are served, for the delivery table: delivery from a follower waits for it to learn of
   * the commit, so the numbers depend on it. "?" if the client cannot tell.
   */
  String servedBy();

  /** Closes every watch opened so far; the client stays open for more. */
  void closeWatches();

  @Override
  void close();
}
