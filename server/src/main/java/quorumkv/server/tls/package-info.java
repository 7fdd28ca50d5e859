/**
 * A development certificate authority ({@code DevPki}, behind {@code bin/quorumkv certs}): a CA and
 * per-node and per-client certificates for development and tests. Reading and reloading TLS files is the
 * client's {@code quorumkv.client.tls}, shared by nodes and clients.
 *
 * <p>May import: {@code java.*}, BouncyCastle (certificates, PEM writing), {@code quorumkv.client.tls},
 * {@code quorumkv.raftlog.files}.
 */
package quorumkv.server.tls;
