/**
 * Implementation of the client; not a public API. A put crosses six files: {@code KvClient} (API) →
 * {@link quorumkv.client.internal.ClientCore} (validate, encode, own threads and connections) →
 * {@code WritePath} (session numbering, batching) → {@code CallRunner} (deadline, backoff, classification
 * of failures by {@code Failures}) → {@code Members} (leader if known, else next peer) →
 * {@code RaftTransport} (one Ratis RPC per attempt). Reads skip {@code WritePath}; replies become results
 * in {@code Results}; {@code RatisAdmin} runs membership changes.
 *
 * <p>May import: {@code quorumkv.client} (the API it implements), {@code quorumkv.raftlog.command} (the
 * wire format) and Ratis's client side. Only {@code RaftTransport} writes Ratis configuration keys.
 * Nothing here is imported by {@code quorumkv.client}; {@code quorumkv.client.connect} creates it.
 */
package quorumkv.client.internal;
