/**
 * Writes a finished run's report into its directory: the history as JSON lines (checkable again with
 * {@code bin/check-history}), a text summary (verdict, counts, throughput, faults with their evidence,
 * the counterexample) and an SVG timeline of latencies with the fault windows shaded.
 *
 * <p>May import: the JDK and {@code quorumkv.linearizability}'s {@code run}, {@code fault}, {@code history}
 * and {@code checker}, whose values it renders; never {@code runner}, which calls it.
 */
package quorumkv.linearizability.report;
