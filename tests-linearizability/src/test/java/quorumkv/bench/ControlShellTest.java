package quorumkv.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The kept-running shell the fault commands go through: each command's end and status are seen. */
class ControlShellTest {
  @TempDir
  Path dir;

  @Test
  void commandsRunInOrderAndAFailureCarriesItsStatusAndOutput() throws Exception {
    try (ControlShell shell = new ControlShell()) {
      Path f = dir.resolve("out");
      shell.run("echo one >> '" + f + "'");
      shell.run("echo two >> '" + f + "'");
      assertEquals("one\ntwo\n", Files.readString(f), "each run returns once its command has ended");
      IOException e = assertThrows(IOException.class, () -> shell.run("echo why; exit_status() { return 3; }; exit_status"));
      assertTrue(e.getMessage().contains("exited 3") && e.getMessage().contains("why"), e.getMessage());
      shell.run("true");   // still usable after a failure
    }
  }

  @Test
  void signalsReachTheProcessByPid() throws Exception {
    Process sleeper = new ProcessBuilder("sleep", "60").start();
    try (ControlShell shell = new ControlShell()) {
      shell.run("kill -s STOP " + sleeper.pid());
      shell.run("kill -s CONT " + sleeper.pid());
      shell.run("kill -s KILL " + sleeper.pid());
      assertTrue(sleeper.waitFor(10, TimeUnit.SECONDS), "SIGKILL ended the process");
      assertEquals(137, sleeper.exitValue());
    } finally {
      sleeper.destroyForcibly();
    }
  }

  @Test
  void aMultiLineCommandIsRefused() throws Exception {
    try (ControlShell shell = new ControlShell()) {
      assertThrows(IllegalArgumentException.class, () -> shell.run("true\ntrue"));
    }
  }
}
