package io.failoverlab.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * CPU use over a window, to tell a client's slowness from a starved machine: this JVM's CPU time
 * (every in-process client: services, probe, Lettuce) and the whole machine's busy share from
 * /proc/stat (redis-server processes and whatever else runs here).
 */
final class CpuMeter {

  /** A reading: this JVM's CPU ns, the machine's busy and total jiffies, and when. */
  record Reading(long processCpuNanos, long machineBusy, long machineTotal, long nanoTime) {
  }

  /** The window between two readings: cores this JVM used, share of the machine busy (0-1). */
  record Use(double jvmCores, double machineBusy) {
  }

  private CpuMeter() {
  }

  static Reading read() {
    long process = ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os
        ? os.getProcessCpuTime() : -1;
    long busy = -1;
    long total = -1;
    try {
      String cpu = Files.readAllLines(Path.of("/proc/stat")).get(0);
      String[] fields = cpu.trim().split("\\s+");
      total = 0;
      for (int i = 1; i < fields.length && i <= 8; i++) {
        total += Long.parseLong(fields[i]);
      }
      long idle = Long.parseLong(fields[4]) + Long.parseLong(fields[5]);
      busy = total - idle;
    } catch (IOException | RuntimeException notLinux) {
      // Reported as unknown.
    }
    return new Reading(process, busy, total, System.nanoTime());
  }

  static Use between(Reading from, Reading to) {
    double seconds = (to.nanoTime() - from.nanoTime()) / 1e9;
    double jvm = from.processCpuNanos() < 0 || seconds <= 0 ? Double.NaN
        : (to.processCpuNanos() - from.processCpuNanos()) / 1e9 / seconds;
    long total = to.machineTotal() - from.machineTotal();
    double machine = from.machineTotal() < 0 || total <= 0 ? Double.NaN
        : (double) (to.machineBusy() - from.machineBusy()) / total;
    return new Use(jvm, machine);
  }
}
