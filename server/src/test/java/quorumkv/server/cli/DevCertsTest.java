package quorumkv.server.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which certificates the CLI uses: flags, then QUORUMKV_CACERT/CERT/KEY, then the local cluster's development CA. */
class DevCertsTest {
  @TempDir
  Path dir;

  @Test
  void flagsThenEnvironmentThenTheLocalClustersCa() throws Exception {
    Path flag = dir.resolve("f.pem");
    assertEquals(new DevCerts.Files3(flag, flag, flag), DevCerts.resolve(flag, flag, flag,
        Map.of("QUORUMKV_CACERT", "x", "QUORUMKV_CERT", "y", "QUORUMKV_KEY", "z")));
    assertEquals(new DevCerts.Files3(Path.of("x"), Path.of("y"), Path.of("z")), DevCerts.resolve(null, null, null,
        Map.of("QUORUMKV_CACERT", "x", "QUORUMKV_CERT", "y", "QUORUMKV_KEY", "z")));
    Files.writeString(dir.resolve("ca.pem"), "");
    Files.writeString(dir.resolve("root.pem"), "");
    assertEquals(new DevCerts.Files3(dir.resolve("ca.pem"), dir.resolve("root.pem"), dir.resolve("root.key")),
        DevCerts.resolve(null, null, null, Map.of("QUORUMKV_DEV_PKI", dir.toString())));
  }

  @Test
  void nothingOrHalfIsAUsageErrorThatSaysWhatToDo() {
    CliException none = assertThrows(CliException.class, () -> DevCerts.resolve(null, null, null,
        Map.of("QUORUMKV_DEV_PKI", dir.resolve("absent").toString())));
    assertTrue(none.getMessage().contains("--cacert, --cert and --key") && none.getMessage().contains("--insecure-plaintext"),
        none.getMessage());
    CliException half = assertThrows(CliException.class, () -> DevCerts.resolve(dir, null, null, Map.of()));
    assertTrue(half.getMessage().contains("go together"), half.getMessage());
  }
}
