/**
 * What the test clients do: {@link quorumkv.linearizability.workload.RegisterWorkload} generates seeded
 * operations ({@link quorumkv.linearizability.workload.Op}: read, write, cas, delete on a few keys) for the
 * linearizability runs, and {@link quorumkv.linearizability.workload.BankWorkload} is Jepsen's bank test on
 * transactions (transfers between accounts, reads checked against the constant total).
 *
 * <p>May import: the JDK, the client, raft-log's command package, and
 * {@code quorumkv.linearizability.history} for the operation kinds; nothing that runs or faults a test.
 */
package quorumkv.linearizability.workload;
