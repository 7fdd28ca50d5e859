package quorumkv.server.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import quorumkv.server.backup.ScratchRoom;
import quorumkv.server.backup.Verification;
import quorumkv.server.http.Json;
import quorumkv.server.ratis.BackupDrill;

/** {@code quorumkv backup verify FILE}: a disaster-recovery drill on one backup file, in one command. */
@Command(name = "backup", description = "Backup files (take one with `snapshot save`; restore with `snapshot restore`).",
    subcommands = {BackupCommand.Verify.class})
final class BackupCommand {
  @Mixin
  HelpOption help;

  @Command(name = "verify", description = "A DR drill on FILE: check its structure and SHA-256, restore it into a"
      + " scratch directory, start a single-member node from it (in this process, loopback only, TLS under a"
      + " throwaway CA), have that node recompute the content hash, and compare with the one the backup recorded"
      + " at its revision. Prints the revision and key count; deletes the scratch directory. Exit 0 when they"
      + " match, 1 when they do not or the file is damaged, 2 for usage errors.")
  static final class Verify implements Callable<Integer> {
    @Mixin
    HelpOption help;

    @Parameters(index = "0", paramLabel = "FILE")
    Path file;

    @Option(names = "--scratch-dir", paramLabel = "DIR", description = "where the scratch directory is made"
        + " (default: the system's temp dir); needs 2 x FILE's size + 64MB free, else the drill is not run (exit 1)")
    Path scratchDir;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "120", description = "give up after this"
        + " many seconds (default: ${DEFAULT-VALUE})")
    int timeoutSeconds;

    @Option(names = "--json", description = "print the outcome as JSON")
    boolean json;

    @Spec
    CommandSpec spec;

    /** As {@link ClientCommand#call}: a failure is an exit code and one stderr line. */
    @Override
    public Integer call() {
      try {
        return run(spec.commandLine().getOut());
      } catch (CliException e) {
        PrintWriter err = spec.commandLine().getErr();
        err.println("quorumkv: " + e.getMessage());
        err.flush();
        return e.exitCode();
      }
    }

    private int run(PrintWriter out) throws CliException {
      if (timeoutSeconds < 1) {
        throw new CliException(ExitCodes.USAGE, "--timeout must be 1 or more seconds");
      }
      if (!Files.isRegularFile(file)) {
        throw new CliException(ExitCodes.USAGE, file + " is not a file");
      }
      Path scratch = scratchDir != null ? scratchDir : Path.of(System.getProperty("java.io.tmpdir"));
      String noRoom;
      try {
        Files.createDirectories(scratch);
        noRoom = ScratchRoom.problem(scratch, Files.size(file), null, 0, ScratchRoom.Disks.LOCAL);
      } catch (IOException e) {
        noRoom = "checking the scratch directory " + scratch + " failed: " + e;
      }
      if (noRoom != null) {
        throw new CliException(ExitCodes.FAILED, "backup verify not run: " + noRoom + " (choose another with --scratch-dir)");
      }
      Verification v = BackupDrill.verify(file, scratch, Duration.ofSeconds(timeoutSeconds));
      if (json) {
        out.println(Json.object().put("file", file.toString()).put("ok", v.ok()).put("cluster_id", v.clusterId())
            .put("revision", v.revision()).put("keys", v.keys()).put("content_hash", v.contentHash())
            .put("problem", v.problem()).put("millis", v.millis()));
      } else if (v.ok()) {
        out.printf("verified %s: revision %d, %d keys, cluster %s; content hash %s recomputed by a node restored"
            + " from it (%d ms)%n", file, v.revision(), v.keys(), v.clusterId(), v.contentHash(), v.millis());
      }
      out.flush();
      if (!v.ok()) {
        throw new CliException(ExitCodes.FAILED, "backup verify FAILED: " + v.problem());
      }
      return ExitCodes.OK;
    }
  }
}
