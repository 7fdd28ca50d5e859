/**
 * A linearizability checker for histories of {@link quorumkv.linearizability.history}.
 *
 * <p>{@link quorumkv.linearizability.checker.LinearizabilityChecker} splits a history by key
 * (operations on different keys never interact in our models, so a history is linearizable iff
 * each key's sub-history is) and searches each key with the algorithm of Wing and Gong as
 * improved by Lowe: walk a doubly-linked list of call and return entries, linearize a call
 * when the {@link quorumkv.linearizability.checker.Model} accepts it, backtrack when a return is
 * reached before its call was linearized, and remember every (set of linearized operations,
 * model state) pair already explored so that no configuration is searched twice.
 *
 * <p>Before searching a key, the checker asks the model for an observation no order could
 * produce ({@link quorumkv.linearizability.checker.Model#impossibleObservation}: for a register,
 * a read or swap that saw a value nothing wrote). The search alone must try every order of the
 * key's operations before it can refute such a history, which on 40 indeterminate writes is
 * more than any deadline allows.
 *
 * <p>Failed operations are left out: they had no effect. (FORMAT.md also allows treating a
 * failed cas as a read that saw a different value; we drop it, as STYLE.md asks for definite
 * failures, and the corpus verdicts are the same either way.) Indeterminate operations
 * ({@code info} or pending) have no return entry: they may be linearized at any point after
 * their invoke, or never, and the search succeeds as soon as every {@code ok} operation is
 * linearized. Indeterminate reads are dropped, since they neither change the state nor observed
 * anything.
 *
 * <p>Every check has a deadline; running out of time gives
 * {@link quorumkv.linearizability.checker.Verdict.Kind#UNKNOWN}, which callers must treat as a
 * failure. {@link quorumkv.linearizability.checker.CheckHistoryMain} is the command line
 * ({@code bin/check-history}).
 *
 * <p>May import: the JDK and {@code quorumkv.linearizability.history}. Neither Ratis nor the server (nor
 * the client): the checker judges a history, not a system. {@code ArchitectureTest} checks that neither
 * Ratis nor the server is imported.
 */
package quorumkv.linearizability.checker;
