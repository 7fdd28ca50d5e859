package quorumkv.server.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import quorumkv.server.ratis.LostEntries;

/**
 * {@code quorumkv repair --data-dir DIR}: for a stopped node whose Raft log was refused as damaged. Moves
 * its log, snapshots and store aside (nothing is deleted) and marks the data dir, so that the node, once
 * started with its usual settings, rejoins as a listener, catches up from the leader (by snapshot if
 * needed) and is promoted back to voter; it never votes before it has caught up.
 */
@Command(name = "repair", description = "For a STOPPED node whose Raft log is damaged: move its log, snapshots and store"
    + " aside into DIR/damaged-<time>/ (nothing is deleted); started again, the node rejoins as a listener, catches up"
    + " from the leader and is promoted back to voter once it has.")
final class RepairCommand implements Callable<Integer> {
  @Mixin
  HelpOption help;

  @Option(names = "--data-dir", required = true, paramLabel = "DIR", description = "the node's data directory")
  Path dataDir;

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() {
    PrintWriter err = spec.commandLine().getErr();
    if (!Files.exists(dataDir.resolve("IDENTITY"))) {
      err.println("quorumkv: " + dataDir + " is not a QuorumKV data dir (no IDENTITY file)");
      err.flush();
      return ExitCodes.USAGE;
    }
    if (running(dataDir.resolve("raft"))) {
      err.println("quorumkv: a node is running on " + dataDir + "; stop it first");
      err.flush();
      return ExitCodes.USAGE;
    }
    try {
      String done = LostEntries.moveAside(dataDir, "repaired by `quorumkv repair`: its Raft log was damaged");
      spec.commandLine().getOut().println(done + "; start the node with its usual settings");
      spec.commandLine().getOut().flush();
      return ExitCodes.OK;
    } catch (IOException e) {
      err.println("quorumkv: repair failed: " + e.getMessage());
      err.flush();
      return ExitCodes.FAILED;
    }
  }

  /** Ratis holds a lock on {@code raft/<group>/in_use.lock} while the node runs. */
  private static boolean running(Path raftDir) {
    if (!Files.isDirectory(raftDir)) {
      return false;
    }
    try (var groups = Files.list(raftDir)) {
      for (Path lock : groups.map(g -> g.resolve("in_use.lock")).filter(Files::exists).toList()) {
        try (var ch = java.nio.channels.FileChannel.open(lock, java.nio.file.StandardOpenOption.WRITE);
             var held = ch.tryLock()) {
          if (held == null) {
            return true;
          }
        } catch (java.nio.channels.OverlappingFileLockException e) {
          return true;
        }
      }
      return false;
    } catch (IOException e) {
      return true; // on the safe side
    }
  }
}
