package quorumkv.server.cli;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import quorumkv.client.KvClient;
import quorumkv.client.KvException;
import quorumkv.client.KvLock;

/**
 * Runs a command while holding a lock (as {@code etcdctl lock NAME -- command}): waits for the lock, runs
 * the command with the lock's fencing token in its environment, releases the lock when the command ends,
 * and exits with the command's exit code. If the lock is lost meanwhile (the lease could not be kept
 * alive), the command is stopped (SIGTERM, then SIGKILL after 5 s) and the exit code is 5.
 */
@Command(name = "lock", description = "Hold lock NAME while COMMAND runs (it gets QUORUMKV_LOCK_KEY and "
    + "QUORUMKV_LOCK_TOKEN, the fencing token); without COMMAND, hold it until interrupted. Exits with the "
    + "command's code, or 5 if the lock was lost (the command is then stopped).")
final class LockCommand extends ClientCommand {
  @Parameters(index = "0", paramLabel = "NAME")
  String name;

  @Parameters(index = "1..*", paramLabel = "COMMAND", arity = "0..*",
      description = "the command and its arguments (after --)")
  List<String> command;

  @Option(names = "--ttl", paramLabel = "SECONDS", defaultValue = "10",
      description = "the lock's lease TTL: how long the lock outlives this process if it dies (default ${DEFAULT-VALUE})")
  long ttlSeconds;

  @Option(names = "--wait", paramLabel = "SECONDS", defaultValue = "0",
      description = "give up (exit 5) if the lock is not acquired within this many seconds; 0: wait without bound")
  long waitSeconds;

  @Override
  int run(HttpApi api) throws CliException {
    if (ttlSeconds < 1 || waitSeconds < 0) {
      throw new CliException(ExitCodes.USAGE, "--ttl takes 1 or more seconds, --wait 0 or more");
    }
    try (KvClient client = RaftPortClient.connect(options, api)) {
      Duration ttl = Duration.ofSeconds(ttlSeconds);
      try (KvLock lock = waitSeconds == 0 ? client.lock(name, ttl) : client.lock(name, ttl, Duration.ofSeconds(waitSeconds))) {
        Thread release = releaseOnExit(lock);
        err().println("quorumkv: holding lock " + name + " (key " + lock.key() + ", fencing token " + lock.fencingToken() + ")");
        err().flush();
        try {
          return command == null || command.isEmpty() ? holdUntilLost(lock) : runHolding(lock);
        } finally {
          Runtime.getRuntime().removeShutdownHook(release);
        }
      }
    } catch (KvException e) {
      throw new CliException(RaftPortClient.exitCode(e), "lock " + name + ": " + e.getMessage());
    }
  }

  private int runHolding(KvLock lock) throws CliException {
    ProcessBuilder pb = new ProcessBuilder(command).inheritIO();
    pb.environment().put("QUORUMKV_LOCK_KEY", lock.key().toStringUtf8());
    pb.environment().put("QUORUMKV_LOCK_TOKEN", Long.toString(lock.fencingToken()));
    Process process;
    try {
      process = pb.start();
    } catch (IOException e) {
      throw new CliException(ExitCodes.FAILED, "cannot run " + command + ": " + e.getMessage());
    }
    lock.lost().thenAccept(cause -> {
      err().println("quorumkv: lock " + name + " lost (" + cause.getMessage() + "); stopping the command");
      err().flush();
      process.destroy();
    });
    try {
      int code = process.waitFor();
      if (lock.lost().isDone()) {
        if (!process.waitFor(5, TimeUnit.SECONDS)) {
          process.destroyForcibly();
        }
        return ExitCodes.UNAVAILABLE;
      }
      return code;
    } catch (InterruptedException e) {
      process.destroy();
      Thread.currentThread().interrupt();
      return ExitCodes.FAILED;
    }
  }

  /** Releases the lock if the JVM is stopped (Ctrl-C, SIGTERM), so the next waiter need not wait out the TTL. */
  static Thread releaseOnExit(KvLock lock) {
    Thread release = new Thread(lock::close, "release-" + lock.name());
    Runtime.getRuntime().addShutdownHook(release);
    return release;
  }

  private int holdUntilLost(KvLock lock) throws CliException {
    KvException cause = lock.lost().join();
    throw new CliException(ExitCodes.UNAVAILABLE, "lock " + name + " lost: " + cause.getMessage());
  }
}
