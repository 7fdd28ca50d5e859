/**
 * Histories of client operations against the store, in the JSONL format of
 * {@code src/test/resources/histories/FORMAT.md}.
 *
 * <p>A history is a sequence of {@link quorumkv.linearizability.history.Event}s (one JSON line
 * each: an {@code invoke} followed later by its {@code ok}, {@code fail} or {@code info}
 * completion). {@link quorumkv.linearizability.history.History} pairs them into
 * {@link quorumkv.linearizability.history.Operation}s and rejects histories that break the
 * format's rules. Live test clients record histories with the thread-safe
 * {@link quorumkv.linearizability.history.HistoryRecorder}; files are read by
 * {@link quorumkv.linearizability.history.HistoryReader} and written by
 * {@link quorumkv.linearizability.history.HistoryWriter}.
 *
 * <p>Only the order of events matters for real-time precedence: the recorder appends events
 * under one lock, so the order of its events agrees with the order in which clients called it.
 * The optional {@code time} field (monotonic {@link java.lang.System#nanoTime()} values) is for
 * people reading failure reports; the checker does not use it.
 *
 * <p>May import: the JDK and Jackson. Nothing of QuorumKV (neither the client nor the server) and nothing
 * of Ratis: a history is about operations and outcomes, so that {@code bin/check-history} can check any
 * store's. {@code ArchitectureTest} checks that neither Ratis nor the server is imported.
 */
package quorumkv.linearizability.history;
