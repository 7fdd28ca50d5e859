package quorumkv.server.tls;

import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.List;

/**
 * Who a verified certificate says its holder is: the subject's common name, and whether it is a node's
 * certificate (it may serve: the serverAuth usage). A peer is a node certificate whose name is a member of
 * the current Raft configuration; a client's name is what roles are granted to. Client certificates must
 * not carry serverAuth, or a client named like a member could act as that member.
 *
 * @param name the subject's common name ("" if none)
 * @param node the certificate has the serverAuth extended key usage
 */
public record CertificateIdentity(String name, boolean node) {
  private static final String SERVER_AUTH = "1.3.6.1.5.5.7.3.1";

  public static CertificateIdentity of(X509Certificate leaf) {
    boolean serves;
    try {
      List<String> usages = leaf.getExtendedKeyUsage();
      serves = usages != null && usages.contains(SERVER_AUTH);
    } catch (CertificateParsingException e) {
      serves = false;
    }
    return new CertificateIdentity(NodeTls.commonName(leaf), serves);
  }

  @Override
  public String toString() {
    return "'" + (name.length() > 64 ? name.substring(0, 64) + "..." : name) + "'" + (node ? " (node certificate)" : "");
  }
}
