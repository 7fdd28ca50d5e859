package quorumkv.server.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import quorumkv.client.tls.PemFiles;
import quorumkv.client.tls.TlsFiles;

/** {@code quorumkv certs}: a CA on first use, reused after; node and client certificates that TlsFiles accepts. */
class CertsCommandTest {
  @TempDir
  Path dir;

  private int run(StringWriter out, String... args) {
    CommandLine cli = QuorumkvCommand.commandLine();
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(out));
    return cli.execute(args);
  }

  @Test
  void issuesNodeAndClientCertificatesFromOneCa() throws Exception {
    StringWriter out = new StringWriter();
    assertEquals(0, run(out, "certs", "--dir", dir.toString(), "--node", "n1", "--node", "n2", "--host", "10.1.2.3",
        "--client", "root"), out.toString());
    byte[] ca = Files.readAllBytes(dir.resolve("ca.pem"));
    assertEquals(0, run(out, "certs", "--dir", dir.toString(), "--node", "n3"), out.toString());
    assertEquals(new String(ca), Files.readString(dir.resolve("ca.pem")), "the CA is reused, not replaced");

    X509Certificate n1 = PemFiles.certificates(dir.resolve("n1.pem")).get(0);
    List<String> names = n1.getSubjectAlternativeNames().stream().map(n -> String.valueOf(n.get(1))).toList();
    assertTrue(names.containsAll(List.of("n1", "localhost", "127.0.0.1", "10.1.2.3")), names.toString());
    assertTrue(n1.getExtendedKeyUsage().containsAll(List.of("1.3.6.1.5.5.7.3.1", "1.3.6.1.5.5.7.3.2")));
    assertEquals(List.of("1.3.6.1.5.5.7.3.2"), PemFiles.certificates(dir.resolve("root.pem")).get(0).getExtendedKeyUsage());
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("n3.key"))));
    for (String name : List.of("n1", "n2", "n3", "root")) {
      try (TlsFiles tls = TlsFiles.open(dir.resolve("ca.pem"), dir.resolve(name + ".pem"), dir.resolve(name + ".key"),
          Duration.ofSeconds(1))) {
        assertTrue(tls.certificate().getSubjectX500Principal().getName().contains("CN=" + name));
      }
    }
  }

  @Test
  void aBadNameIsRefusedInOneLine() {
    StringWriter out = new StringWriter();
    assertEquals(1, run(out, "certs", "--dir", dir.toString(), "--node", "../evil"));
    assertTrue(out.toString().contains("a certificate name is"), out.toString());
    assertEquals(1, out.toString().strip().lines().count(), out.toString());
  }
}
