package quorumkv.server.ratis;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import quorumkv.server.config.ConfigException;

/** An unreadable raft-meta (the 0-byte file a full disk left) is refused in one line that says what to do. */
class RaftMetaCheckTest {
  @TempDir
  Path group;

  private Path meta(String content) throws Exception {
    Path current = Files.createDirectories(group.resolve("current"));
    return Files.writeString(current.resolve("raft-meta"), content);
  }

  @Test
  void aValidFileOrNoneStarts() throws Exception {
    assertDoesNotThrow(() -> RaftMetaCheck.verify(group, "n3"));
    meta("#\nterm=7\nvotedFor=n1\n");
    assertDoesNotThrow(() -> RaftMetaCheck.verify(group, "n3"));
  }

  @Test
  void anEmptyOrBrokenFileIsRefusedInOneLine() throws Exception {
    for (String content : new String[] {"", "votedFor=n1\n", "term=x\nvotedFor=n1\n", "term=3\n"}) {
      meta(content);
      ConfigException e = assertThrows(ConfigException.class, () -> RaftMetaCheck.verify(group, "n3"));
      assertTrue(e.getMessage().contains("raft-meta") && e.getMessage().contains("member remove n3")
          && !e.getMessage().contains("\n"), e.getMessage());
    }
  }
}
