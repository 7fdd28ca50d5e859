/**
 * Prometheus metrics of one node (own registry per node), fed by the state machine (as its
 * {@code StateMachineListener}), a sampler and gauges read at scrape time. May import {@code status} and
 * raft-log's {@code StateMachineListener}; nothing of Ratis.
 */
package quorumkv.server.metrics;
