// The age rule both stores apply: a message is expired once it has waited maxAge or longer.
package io.rxiothub.gateway.store.internal;

import java.time.Duration;

/** Age arithmetic without overflow. */
final class Ages {

  private Ages() {}

  /** Returns the duration in milliseconds, Long.MAX_VALUE if it does not fit. */
  static long millis(Duration d) {
    try {
      return d.toMillis();
    } catch (ArithmeticException tooLong) {
      return Long.MAX_VALUE;
    }
  }

  /** Returns whether a message enqueued at {@code at} has expired at {@code now}. */
  static boolean expired(long at, long now, long maxAgeMillis) {
    return now - at >= maxAgeMillis && now >= at;
  }
}
