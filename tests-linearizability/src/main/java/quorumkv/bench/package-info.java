/**
 * Throughput and latency benchmark driver, QuorumKV side by side with etcd: run by {@code bin/bench},
 * never by the tests (no test asserts on speed).
 *
 * <p>{@link quorumkv.bench.BenchMain} drives one running cluster of one system ({@link
 * quorumkv.bench.QuorumKvTarget} through {@code KvClient}, {@link quorumkv.bench.EtcdTarget} through
 * jetcd) with the same closed-loop workload: N workers, each with one operation in flight, 1 KiB
 * values, keys drawn uniformly from a fixed key set; a warm-up (JIT), then measured puts and measured
 * linearizable gets per concurrency level. Every loop is bounded in operations and in time. Each phase
 * becomes one {@link quorumkv.bench.BenchRow} (throughput, latency percentiles, errors, CPU time of the
 * server processes, of this driver and of everything else on the machine, from {@code /proc}), appended
 * to a TSV file that {@link quorumkv.bench.BenchTable} prints as one table.
 *
 * <p>{@link quorumkv.bench.FailoverMain} ({@code bin/bench --failover}) measures failover instead: a
 * {@link quorumkv.bench.PacedWriter} writes every 10 ms through the system's client while {@link
 * quorumkv.bench.FailoverPhase} faults the leader it finds through a {@link quorumkv.bench.ClusterProbe}
 * (kill, stop, or cut off its network namespace, through the member scripts bin/bench wrote: {@link
 * quorumkv.bench.NodeControl}); each round becomes one {@link quorumkv.bench.FailoverRound} in failover.tsv,
 * which {@link quorumkv.bench.FailoverTable} sums up per system and fault.
 *
 * <p>May import: the JDK, the client, raft-log's command package, jetcd and picocli (BenchMain's command
 * line; on the classpath through the server module); nothing of {@code quorumkv.linearizability}, nor of
 * the server, which runs in its own processes.
 */
package quorumkv.bench;
