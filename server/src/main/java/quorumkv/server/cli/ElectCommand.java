package quorumkv.server.cli;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import quorumkv.client.KvClient;
import quorumkv.client.KvElection;
import quorumkv.client.KvException;
import quorumkv.client.KvLock;
import quorumkv.client.Watch;

/**
 * Campaigns in an election (as {@code etcdctl elect NAME PROPOSAL}): waits until elected, prints the
 * leadership, and holds it until interrupted (resigning) or lost (exit 5). With {@code --listen}, prints
 * each leader instead, as it changes.
 */
@Command(name = "elect", description = "Campaign in election NAME with PROPOSAL and lead until interrupted (exit 5 if "
    + "leadership is lost); --listen prints each leader of NAME as it changes.")
final class ElectCommand extends ClientCommand {
  @Parameters(index = "0", paramLabel = "NAME")
  String name;

  @Parameters(index = "1", paramLabel = "PROPOSAL", arity = "0..1")
  String proposal;

  @Option(names = "--ttl", paramLabel = "SECONDS", defaultValue = "10",
      description = "the candidate's lease TTL: how long leadership outlives this process if it dies (default ${DEFAULT-VALUE})")
  long ttlSeconds;

  @Option(names = {"-l", "--listen"}, description = "print each leader as it changes, until interrupted")
  boolean listen;

  @Option(names = "--for", paramLabel = "SECONDS", defaultValue = "0",
      description = "stop (resign, or stop listening) after this many seconds; 0: until interrupted")
  long seconds;

  @Override
  int run(HttpApi api) throws CliException {
    if (ttlSeconds < 1 || seconds < 0 || listen == (proposal != null)) {
      throw new CliException(ExitCodes.USAGE, "give PROPOSAL to campaign, or --listen to watch (one of them);"
          + " --ttl 1 or more seconds");
    }
    try (KvClient client = RaftPortClient.connect(options, api)) {
      KvElection election = client.election(name, Duration.ofSeconds(ttlSeconds));
      if (listen) {
        CountDownLatch ended = new CountDownLatch(1);
        try (Watch w = election.observe(this::printLeader)) {
          await(ended);
        }
        return ExitCodes.OK;
      }
      try (KvLock leadership = election.campaign(proposal)) {
        Thread resign = LockCommand.releaseOnExit(leadership);
        out().println("elected: " + name + " = " + proposal + " (fencing token " + leadership.fencingToken() + ")");
        out().flush();
        CountDownLatch lost = new CountDownLatch(1);
        leadership.lost().thenRun(lost::countDown);
        await(lost);
        Runtime.getRuntime().removeShutdownHook(resign);
        if (leadership.lost().isDone()) {
          throw new CliException(ExitCodes.UNAVAILABLE, "leadership of " + name + " lost: "
              + leadership.lost().join().getMessage());
        }
        return ExitCodes.OK;
      }
    } catch (KvException e) {
      throw new CliException(RaftPortClient.exitCode(e), "election " + name + ": " + e.getMessage());
    }
  }

  private void printLeader(Optional<KvElection.Leader> leader) {
    out().println(leader.map(l -> "leader: " + l.proposal() + " (fencing token " + l.fencingToken() + ")")
        .orElse("leader: none"));
    out().flush();
  }

  /** Waits for {@code latch}, at most --for seconds when given. */
  private void await(CountDownLatch latch) {
    try {
      if (seconds > 0) {
        latch.await(seconds, java.util.concurrent.TimeUnit.SECONDS);
      } else {
        latch.await();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
