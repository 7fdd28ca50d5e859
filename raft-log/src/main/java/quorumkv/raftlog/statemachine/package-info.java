/**
 * The thin Ratis adapter over the store: refuse bad requests before the log (as typed refusals), apply,
 * query, snapshot, and swap the store safely on a snapshot install. Outside Ratis's apply thread the
 * store is reached only through {@link quorumkv.raftlog.statemachine.KvStateMachine#withStore}.
 *
 * <p>May import: {@code java.*}, {@code org.apache.ratis}, {@code org.slf4j}, and the other raft-log
 * packages ({@code command}, {@code store}, {@code snapshot}); nothing imports this package back. It
 * never writes Ratis configuration keys (the server does).
 */
package quorumkv.raftlog.statemachine;
