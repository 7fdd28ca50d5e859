package quorumkv.bench;

import java.io.IOException;

/** The faults the failover phase applies to one member of a cluster, and their undoing (member index from 0). */
interface MemberControl {

  /** True if members can be cut off the network (they run in network namespaces). */
  boolean canIsolate();

  /** Sends {@code signal} (KILL, STOP, CONT) to member {@code i}'s process. */
  void signal(int i, String signal) throws IOException, InterruptedException;

  /** After a SIGKILL: waits (bounded) until the process is gone, so that a restart can take its ports. */
  void awaitExit(int i) throws IOException, InterruptedException;

  /** Starts member {@code i} again on its data dir. */
  void start(int i) throws IOException, InterruptedException;

  /** Cuts member {@code i} off from every peer and every client. */
  void isolate(int i) throws IOException, InterruptedException;

  /** Undoes {@link #isolate}. */
  void heal(int i) throws IOException, InterruptedException;
}
