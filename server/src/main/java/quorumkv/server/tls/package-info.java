/**
 * TLS material: reading PEM certificates and keys with one-line errors ({@code PemFiles}), a node's or
 * client's CA bundle, certificate and key checked at start and reloaded when they change ({@code TlsFiles}),
 * and a development certificate authority ({@code DevPki}, behind {@code bin/quorumkv certs}).
 *
 * <p>May import: {@code java.*}, {@code javax.net.ssl}, BouncyCastle (certificates, PEM), gRPC's TLS utilities
 * as Ratis shades them, Netty's thread factory, {@code quorumkv.raftlog.files} and {@code quorumkv.server.config}.
 */
package quorumkv.server.tls;
