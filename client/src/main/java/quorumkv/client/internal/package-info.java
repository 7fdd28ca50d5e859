/**
 * Implementation of the client; not a public API. {@link quorumkv.client.internal.RatisKvClient} wires a
 * session, a view of the group's members and one Ratis client; every operation runs as a
 * {@code RetryingCall} whose attempts are single Ratis RPCs ({@code RaftTransport}), whose failures are
 * classified by {@code Failures} (definite or possibly applied) and spaced by {@code Backoff}. Single-key
 * writes pass through {@code WriteBatcher} first, which groups concurrent ones into one write call.
 */
package quorumkv.client.internal;
