/**
 * What a linearizability run is and what it produced, as values: its settings
 * ({@link quorumkv.linearizability.run.RunSettings}: seed, workers, duration, workload, fault schedule,
 * deadlines), the way the store is used ({@link quorumkv.linearizability.run.Variant}: correctly, or one
 * of the deliberate bugs that prove the harness can fail) and its result
 * ({@link quorumkv.linearizability.run.RunResult}: history, verdict, fault windows, and why a run does not
 * count). The runner produces these and the report renders them; keeping them here lets the runner call
 * the report without the report depending on the runner.
 *
 * <p>May import: the JDK, the client's configuration types, and {@code quorumkv.linearizability}'s
 * {@code checker}, {@code history}, {@code fault} and {@code workload}; never {@code runner} or
 * {@code report}.
 */
package quorumkv.linearizability.run;
