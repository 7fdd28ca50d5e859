package quorumkv.server.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** README: {@code bin/quorumkv <command> --help} works for every command (it exited 2 for all but server). */
class CommandHelpTest {
  @Test
  void everyCommandAndSubcommandAnswersHelp() {
    for (var command : QuorumkvCommand.commandLine().getSubcommands().entrySet()) {
      if (command.getKey().equals("server")) {
        continue;   // prints the config keys itself: ServerCommand.printHelp
      }
      Cli.Run r = Cli.run(command.getKey(), "--help");
      assertEquals(0, r.exitCode(), command.getKey() + ": " + r);
      assertTrue(r.out().startsWith("Usage: quorumkv " + command.getKey()), r.toString());
      for (String sub : command.getValue().getSubcommands().keySet()) {
        Cli.Run s = Cli.run(command.getKey(), sub, "-h");
        assertEquals(0, s.exitCode(), command.getKey() + " " + sub + ": " + s);
        assertTrue(s.out().startsWith("Usage: quorumkv " + command.getKey() + " " + sub), s.toString());
      }
    }
  }
}
