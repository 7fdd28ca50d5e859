/** The thin Ratis adapter over the store: refuse bad requests before the log, apply, query, snapshot. */
package quorumkv.raftlog.statemachine;
