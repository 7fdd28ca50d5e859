package quorumkv.server.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Issue 15: an unknown command suggests the nearest one ({@code gte} suggested {@code cluster} before). */
class CommandSuggestionTest {
  @Test
  void aTypoOfACommandSuggestsThatCommand() {
    Cli.Run r = Cli.run("gte", "hello");
    assertEquals(ExitCodes.USAGE, r.exitCode(), r.toString());
    assertTrue(r.err().contains("unknown command 'gte'"), r.toString());
    assertTrue(r.err().contains("Did you mean 'quorumkv get'?"), r.toString());
  }

  @Test
  void aTypoOfASubcommandSuggestsTheSubcommand() {
    Cli.Run r = Cli.run("member", "lsit");
    assertEquals(ExitCodes.USAGE, r.exitCode(), r.toString());
    assertTrue(r.err().contains("Did you mean 'quorumkv member list'?"), r.toString());
  }

  @Test
  void aWordNearNothingSuggestsNothingButSaysWhereTheCommandsAre() {
    Cli.Run r = Cli.run("frobnicate");
    assertEquals(ExitCodes.USAGE, r.exitCode(), r.toString());
    assertTrue(!r.err().contains("Did you mean"), r.toString());
    assertTrue(r.err().contains("See 'quorumkv --help'"), r.toString());
  }

  @Test
  void distanceCountsATranspositionAsOneEdit() {
    assertEquals(1, CommandSuggestion.distance("gte", "get"));
    assertEquals(1, CommandSuggestion.distance("pt", "put"));
    assertEquals(0, CommandSuggestion.distance("del", "del"));
    assertEquals(Optional.of("scan"), CommandSuggestion.nearest("sacn", List.of("scan", "snapshot", "cas")));
    assertEquals(Optional.empty(), CommandSuggestion.nearest("xyzzy", List.of("get", "put")));
  }
}
