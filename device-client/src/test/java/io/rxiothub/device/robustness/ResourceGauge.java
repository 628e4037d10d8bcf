// Measures what a leak would grow: live threads (all, and rxiothub-*), open file descriptors, heap after GC.
package io.rxiothub.device.robustness;

import java.io.File;
import java.lang.management.ManagementFactory;

/** One snapshot of the JVM's resources. */
final class ResourceGauge {

  final int threads;
  final int rxiothubThreads;
  final int openFiles;
  final long heapBytes;

  private ResourceGauge(int threads, int rxiothubThreads, int openFiles, long heapBytes) {
    this.threads = threads;
    this.rxiothubThreads = rxiothubThreads;
    this.openFiles = openFiles;
    this.heapBytes = heapBytes;
  }

  static ResourceGauge now() {
    int all = 0;
    int ours = 0;
    for (Thread t : Thread.getAllStackTraces().keySet()) {
      if (t.isAlive()) {
        all++;
        if (t.getName().startsWith("rxiothub-")) {
          ours++;
        }
      }
    }
    String[] fds = new File("/proc/self/fd").list();
    return new ResourceGauge(all, ours, fds == null ? -1 : fds.length, heapAfterGc());
  }

  private static long heapAfterGc() {
    long used = Long.MAX_VALUE;
    // A few rounds: one System.gc() may leave reachable-then-finalised objects for the next.
    for (int i = 0; i < 3; i++) {
      System.gc();
      used = Math.min(used, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
    }
    return used;
  }

  /** Whether this snapshot is back within the tolerances of {@code base}. */
  boolean within(ResourceGauge base, int extraThreads, int extraFiles, long extraHeapBytes) {
    return rxiothubThreads <= base.rxiothubThreads
        && threads <= base.threads + extraThreads
        && (openFiles < 0 || openFiles <= base.openFiles + extraFiles)
        && heapBytes <= base.heapBytes + extraHeapBytes;
  }

  @Override
  public String toString() {
    return "threads=" + threads + " (rxiothub-*: " + rxiothubThreads + "), open files="
        + openFiles + ", heap after GC=" + heapBytes / 1024 / 1024 + " MiB";
  }
}
