package quorumkv.server.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import quorumkv.raftlog.files.AtomicFiles;
import quorumkv.server.backup.BackupReader;
import quorumkv.server.config.ConfigException;
import quorumkv.server.config.ConfigLoader;
import quorumkv.server.config.ServerConfig;
import quorumkv.server.http.Json;

@Command(name = "snapshot", description = "Backups.", subcommands = {SnapshotCommand.Save.class, SnapshotCommand.Restore.class})
final class SnapshotCommand {
  @Mixin
  HelpOption help;


  @Command(name = "save", description = "Write a consistent backup of the live cluster to FILE (from the leader when one"
      + " of the endpoints is the leader). The file holds the state exactly as of one revision.")
  static final class Save extends ClientCommand {
    @Parameters(index = "0", paramLabel = "FILE")
    Path file;

    @Override
    int run(HttpApi api) throws CliException {
      String endpoint = ClusterCommand.leaderView(api).endpoint();
      Path part = file.resolveSibling(file.getFileName() + ".part");
      int status = api.download(endpoint, "/v1/backup", part);
      try {
        if (status != 200) {
          String body = Files.readString(part);
          HttpApi.Reply r = new HttpApi.Reply(endpoint, status, parse(body), body);
          throw HttpApi.failure(r);
        }
        BackupReader.Verified v = BackupReader.verify(part);
        AtomicFiles.publish(part, file);
        if (options.json) {
          out().println(Json.object().put("file", file.toString()).put("revision", v.header().revision())
              .put("keys", v.entries()).put("cluster_id", v.header().clusterId()).put("node", endpoint));
        } else {
          out().printf("saved %s: revision %d, %d keys, cluster %s (from %s)%n", file, v.header().revision(), v.entries(),
              v.header().clusterId(), endpoint);
        }
        out().flush();
        return ExitCodes.OK;
      } catch (IOException e) {
        throw new CliException(ExitCodes.FAILED, "backup not saved: " + e.getMessage());
      } finally {
        try {
          Files.deleteIfExists(part);
        } catch (IOException ignored) {
          // nothing more to do
        }
      }
    }

    private static com.fasterxml.jackson.databind.JsonNode parse(String body) {
      try {
        return Json.MAPPER.readTree(body);
      } catch (IOException e) {
        return null;
      }
    }
  }

  @Command(name = "restore", description = "Seed one node's empty data dir of a NEW cluster from FILE; run it for every node"
      + " with that node's settings (the same flags, env and --config as `server`), then start the nodes."
      + " Revisions continue above the backup's.")
  static final class Restore implements Callable<Integer> {
    @Mixin
    HelpOption help;

    @Parameters(index = "0", paramLabel = "FILE")
    Path file;

    @Parameters(index = "1..*", paramLabel = "SETTING", description = "server settings: --node.id=n1 --raft.peers=... ...")
    List<String> settings = new ArrayList<>();

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
      PrintWriter err = spec.commandLine().getErr();
      try {
        ServerConfig config = ConfigLoader.load(settings, System.getenv());
        var result = quorumkv.server.backup.Restore.into(file, config);
        spec.commandLine().getOut().printf("restored %d keys at revision %d into %s (node %s, cluster %s); start the node"
            + " with the same settings%n", result.entries(), result.header().revision(), result.dataDir(), config.nodeId(),
            config.clusterId());
        spec.commandLine().getOut().flush();
        return ExitCodes.OK;
      } catch (ConfigException e) {
        err.println("quorumkv: configuration error: " + e.getMessage());
        err.flush();
        return ExitCodes.USAGE;
      } catch (IOException e) {
        err.println("quorumkv: restore failed: " + e.getMessage());
        err.flush();
        return ExitCodes.FAILED;
      }
    }
  }
}
