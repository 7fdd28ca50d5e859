package quorumkv.client.tls;

/**
 * A TLS file that cannot be used: missing, unreadable, not PEM, a key that does not belong to its
 * certificate, a certificate expired or not issued by the CA bundle. The message names the file and the
 * cause in one line. Not retryable: fix the file (or the path in the configuration) and start again.
 */
public final class TlsConfigException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  public TlsConfigException(String message) {
    super(message);
  }
}
