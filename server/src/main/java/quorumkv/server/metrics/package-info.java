/** Prometheus metrics of one node (own registry per node), fed by the state machine and a sampler. */
package quorumkv.server.metrics;
