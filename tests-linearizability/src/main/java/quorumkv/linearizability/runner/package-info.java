/**
 * Runs the Jepsen-style tests: {@link quorumkv.linearizability.runner.LinearizabilityRun} drives recording
 * workers ({@link quorumkv.linearizability.runner.RecordingClient}, which writes each call into the history)
 * and a nemesis injecting the scheduled faults into a cluster, then checks the history and writes the
 * report; {@link quorumkv.linearizability.runner.BankRun} does the same for the bank workload, checking its
 * invariant instead of a history. Every loop is bounded in count and time, and the cluster is healed at the
 * end of every run.
 *
 * <p>May import: every other package of {@code quorumkv.linearizability} (this is the top of it: nothing
 * there imports this package), the client, raft-log's command package and the Ratis client (for the
 * deliberately stale reads of {@code Variant.STALE_LOCAL_READS}).
 */
package quorumkv.linearizability.runner;
