package quorumkv.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * CPU time from Linux's {@code /proc}: of given processes ({@code utime + stime} of
 * {@code /proc/<pid>/stat}) and of the whole machine ({@code /proc/stat}), in clock ticks.
 */
final class ProcCpu {
  private ProcCpu() {}

  /**
   * One reading. {@code serverTicks} is -1 when a server process could not be read (it exited, or
   * this is not Linux): its CPU time is then unknown, never a made-up number.
   */
  record Reading(long nanos, long serverTicks, long driverTicks, long machineTotalTicks, long machineIdleTicks,
      long machineStealTicks) {}

  static Reading read(List<Long> serverPids) {
    long nanos = System.nanoTime();
    long server = 0;
    for (long pid : serverPids) {
      long t = processTicks(pid);
      if (t < 0) {
        server = -1;
        break;
      }
      server += t;
    }
    if (serverPids.isEmpty()) {
      server = -1;
    }
    long driver = processTicks(ProcessHandle.current().pid());
    long[] machine = machineTicks();
    return new Reading(nanos, server, driver, machine[0], machine[1], machine[2]);
  }

  /** utime + stime of one process, in clock ticks; -1 if it cannot be read. */
  static long processTicks(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
      // The command name (field 2) is in parentheses and may hold spaces: fields 3.. follow the last ')'.
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
      return Long.parseLong(f[14 - 3]) + Long.parseLong(f[15 - 3]);
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }

  /**
   * {total, idle + iowait, steal} over every CPU, in clock ticks; {-1, -1, -1} if unreadable. Steal is the
   * time the hypervisor ran something else while this machine's CPUs wanted to run: invisible to every
   * process's own CPU time, and the reason two runs of the same workload can disagree.
   */
  static long[] machineTicks() {
    try {
      return statTicks(Files.readAllLines(Path.of("/proc/stat")));
    } catch (IOException e) {
      return new long[] {-1, -1, -1};
    }
  }

  /** {@link #machineTicks} of the lines of a {@code /proc/stat}. */
  static long[] statTicks(List<String> procStat) {
    try {
      for (String line : procStat) {
        if (line.startsWith("cpu ")) {
          String[] f = line.trim().split("\\s+");
          long total = 0;
          // user nice system idle iowait irq softirq steal (guest time is already inside user/nice)
          for (int i = 1; i <= Math.min(8, f.length - 1); i++) {
            total += Long.parseLong(f[i]);
          }
          long steal = f.length > 8 ? Long.parseLong(f[8]) : 0;
          return new long[] {total, Long.parseLong(f[4]) + Long.parseLong(f[5]), steal};
        }
      }
    } catch (RuntimeException e) {
      // fall through
    }
    return new long[] {-1, -1, -1};
  }
}
