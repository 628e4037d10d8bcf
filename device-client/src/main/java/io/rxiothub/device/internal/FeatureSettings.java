// The settings of the twin and direct-method engines, fixed when the client is built.
package io.rxiothub.device.internal;

import io.rxiothub.transport.internal.Backoff;
import java.util.Random;

/** Immutable settings of {@link TwinEngine} and {@link MethodEngine}. */
public final class FeatureSettings {
  /**
   * Slots per array of the unbounded buffers behind {@code desiredUpdates()} and
   * {@code requests()}: RxJava's default (128) costs 536 bytes per client as soon as a stream is
   * subscribed, and an idle client buffers nothing.
   */
  static final int BUFFER_ISLAND = 8;
  /** Never drawn from: the twin's jitter is equal jitter, computed in {@link #retryDelayMillis}. */
  private static final Random JITTER = new Random();

  final long twinTimeoutMillis;
  final int twinMaxRetries;
  final long twinRetryInitialMillis;
  final long twinRetryMaxMillis;
  final boolean methodRepliesAtMostOnce;
  /** The ceilings of twin retries: the reconnection's formula, one {@link Backoff} for both. */
  private final Backoff twinBackoff;

  /**
   * Creates the settings.
   *
   * @throws IllegalArgumentException if a value is out of range
   */
  public FeatureSettings(long twinTimeoutMillis, int twinMaxRetries, long twinRetryInitialMillis,
      long twinRetryMaxMillis, boolean methodRepliesAtMostOnce) {
    if (twinTimeoutMillis < 1 || twinMaxRetries < 0 || twinRetryInitialMillis < 0
        || twinRetryMaxMillis < twinRetryInitialMillis) {
      throw new IllegalArgumentException("twin settings need timeout >= 1 ms, retries >= 0 and "
          + "0 <= initial <= max delay");
    }
    this.twinTimeoutMillis = twinTimeoutMillis;
    this.twinMaxRetries = twinMaxRetries;
    this.twinRetryInitialMillis = twinRetryInitialMillis;
    this.twinRetryMaxMillis = twinRetryMaxMillis;
    this.methodRepliesAtMostOnce = methodRepliesAtMostOnce;
    this.twinBackoff = new Backoff(twinRetryInitialMillis, twinRetryMaxMillis, JITTER);
  }

  /** Whether these settings hold exactly these values (so that clients built alike share them). */
  boolean hasValues(long twinTimeoutMillis, int twinMaxRetries, long twinRetryInitialMillis,
      long twinRetryMaxMillis, boolean methodRepliesAtMostOnce) {
    return this.twinTimeoutMillis == twinTimeoutMillis && this.twinMaxRetries == twinMaxRetries
        && this.twinRetryInitialMillis == twinRetryInitialMillis
        && this.twinRetryMaxMillis == twinRetryMaxMillis
        && this.methodRepliesAtMostOnce == methodRepliesAtMostOnce;
  }

  /** The defaults: 30 s timeout, 4 retries from 200 ms up to 5 s, method replies with QoS 1. */
  public static FeatureSettings defaults() {
    return new FeatureSettings(30_000, 4, 200, 5_000, false);
  }

  /**
   * Returns the delay before retry {@code retry} (0-based): "equal jitter", uniform in
   * {@code [c/2, c]} with {@code c} the {@link Backoff#ceilingMillis} of the twin retry settings
   * ({@code min(max, initial * 2^retry)}), so retries of many devices spread out yet never come back
   * at once.
   */
  long retryDelayMillis(int retry, double random) {
    long ceiling = twinBackoff.ceilingMillis(retry);
    long half = ceiling / 2;
    return half + (long) (random * (ceiling - half + 1));
  }
}
