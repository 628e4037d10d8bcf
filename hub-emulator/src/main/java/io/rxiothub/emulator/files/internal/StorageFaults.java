// Faults of the file upload face: the next storage requests or hub file requests answered with a chosen status.
package io.rxiothub.emulator.files.internal;

import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;

/** A count of requests to fail with one status; thread-safe. */
final class StorageFaults {

  private final AtomicLong packed = new AtomicLong();

  /** Fails the next {@code count} requests with {@code status} (0 clears). */
  void fail(int status, int count) {
    packed.set(count <= 0 ? 0 : ((long) status << 32) | count);
  }

  /** The status to fail this request with, or null. */
  @Nullable Integer next() {
    while (true) {
      long p = packed.get();
      int count = (int) p;
      if (count <= 0) {
        return null;
      }
      long after = count == 1 ? 0 : (p & 0xFFFFFFFF00000000L) | (count - 1);
      if (packed.compareAndSet(p, after)) {
        return (int) (p >>> 32);
      }
    }
  }
}
