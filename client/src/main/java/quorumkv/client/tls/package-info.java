/**
 * TLS files for clients and nodes alike: PEM certificates and PKCS#8 keys read with one-line errors
 * ({@code PemFiles}), and a CA bundle, certificate and key checked when opened and reloaded when they
 * change ({@code TlsFiles}). The server uses the same classes for its listeners and its Raft port.
 *
 * <p>May import: {@code java.*}, {@code javax.net.ssl}, gRPC's TLS utilities as Ratis shades them, slf4j.
 * Nothing else of the client: the API and the transport both use it.
 */
package quorumkv.client.tls;
