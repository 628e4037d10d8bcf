// Exponential backoff with full jitter for reconnection (AWS architecture blog's "full jitter").
package io.rxiothub.transport.internal;

import java.util.Random;

/** Delay before reconnection attempt {@code n}: uniform in {@code [0, min(max, initial * 2^n)]}. */
public final class Backoff {

  private final long initialMillis;
  private final long maxMillis;
  private final Random random;

  /**
   * Creates a backoff.
   *
   * @throws IllegalArgumentException if {@code initialMillis} is negative or {@code maxMillis} is
   *     below it
   */
  public Backoff(long initialMillis, long maxMillis, Random random) {
    if (initialMillis < 0 || maxMillis < initialMillis) {
      throw new IllegalArgumentException("backoff needs 0 <= initial <= max, got initial="
          + initialMillis + " ms, max=" + maxMillis + " ms");
    }
    this.initialMillis = initialMillis;
    this.maxMillis = maxMillis;
    this.random = random;
  }

  /** Whether this backoff has these delays (its random source is the caller's to compare). */
  public boolean hasDelays(long initialMillis, long maxMillis) {
    return this.initialMillis == initialMillis && this.maxMillis == maxMillis;
  }

  /** Returns the upper bound of the delay before attempt {@code attempt} (0 for the first retry). */
  public long ceilingMillis(int attempt) {
    long ceiling = initialMillis;
    for (int i = 0; i < attempt && ceiling > 0 && ceiling < maxMillis; i++) {
      ceiling = ceiling * 2;
    }
    return Math.min(ceiling, maxMillis);
  }

  /** Returns a random delay in {@code [0, ceilingMillis(attempt)]}. */
  public long delayMillis(int attempt) {
    long ceiling = ceilingMillis(attempt);
    if (ceiling == 0) {
      return 0;
    }
    synchronized (random) {
      return (long) (random.nextDouble() * (ceiling + 1));
    }
  }
}
