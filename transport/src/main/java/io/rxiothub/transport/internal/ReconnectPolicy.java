// The reconnect rules of one client as pure code: when to retry, after what delay, when to give up,
// when the server's quick closes mean a takeover. No lock, thread or clock inside: time is passed in.
package io.rxiothub.transport.internal;

/**
 * Decides what follows a failed attempt or a lost connection. The connection machine tells it what
 * happened (connect asked, connection accepted, attempt failed, connection lost) with the time, and
 * runs what it answers. Not thread-safe: the machine calls it under its lock.
 */
final class ReconnectPolicy {

  /** {@link #attemptFailed} and {@link #connectionLost}: stop instead of retrying. */
  static final long STOP = -1;

  /** The backoff and give-up time are read from here (a client keeps no copy of them). */
  private final CoreSettings s;
  private long firstFailureMillis;
  /**
   * Failed attempts in a row since the last accepted connection or connect(), saturating at 65,535 (the backoff is
   * capped long before). Two chars, not two ints: they fill the object to 32 bytes instead of 40, and every idle
   * client holds one (RESULTS.md §8).
   */
  private char failures;
  /** Refusals in a row retried since the last accepted connection or connect(), saturating like failures. */
  private char refusals;
  /**
   * Connections closed by the server in a row, each after the first within the takeover window of being accepted
   * ({@link Takeover}); a takeover when it reaches {@link Takeover#TAKEOVER_CLOSES}. A char beside the other two, in
   * this object rather than one of its own: 24 bytes less per client.
   */
  private char serverCloses;

  ReconnectPolicy(CoreSettings settings) {
    this.s = settings;
  }

  /** connect() started a new wish to be connected: nothing counts from before. */
  void connectAsked() {
    failures = 0;
    refusals = 0;
    serverCloses = 0;
  }

  /**
   * The server accepted a connection; returns whether it follows a connection the server closed (the
   * takeover count goes on if the server closes this one soon too).
   */
  boolean accepted() {
    failures = 0;
    refusals = 0;
    return serverCloses > 0;
  }

  /**
   * An attempt failed. In a takeover every reconnect is accepted at once (the server then closes the
   * other client); a failed attempt means the server itself was unavailable (restart, outage, fault
   * mode), not that another client holds the identity, so the takeover count restarts.
   */
  void attemptRefused() {
    serverCloses = 0;
  }

  /**
   * An automatic reconnection's attempt was refused at {@code nowMillis} (or its password could not be made):
   * returns the delay before asking the credentials again, or {@link #STOP} once the credentials' retried
   * refusals in a row are spent or the attempts have failed for the give-up time.
   */
  long reconnectRefused(long nowMillis) {
    if (refusals >= s.credentials.refusalsRetried()) {
      return STOP;
    }
    refusals = inc(refusals);
    return attemptFailed(nowMillis);
  }

  /**
   * A retryable attempt failed at {@code nowMillis}: returns the delay before the next attempt, or
   * {@link #STOP} once the attempts have failed for the give-up time.
   */
  long attemptFailed(long nowMillis) {
    serverCloses = 0;
    if (failures == 0) {
      firstFailureMillis = nowMillis;
    }
    failures = inc(failures);
    return nowMillis - firstFailureMillis >= s.giveUpMillis ? STOP
        : s.backoff.delayMillis(failures - 1);
  }

  private static char inc(char count) {
    return count == Character.MAX_VALUE ? count : (char) (count + 1);
  }

  /** Returns the failed attempts in a row (at most 65,535). */
  int failures() {
    return failures;
  }

  /** Returns how long the attempts have been failing at {@code nowMillis}. */
  long failingForMillis(long nowMillis) {
    return nowMillis - firstFailureMillis;
  }

  /**
   * The connection accepted at {@code connectedAtMillis} ended at {@code nowMillis} with
   * {@code cause}; returns the delay before reconnecting, or {@link #STOP} for a takeover (see
   * {@link Takeover}). {@code afterServerClose}: what {@link #accepted} said for it;
   * {@code resendOutstanding}: a message sent more than once still waits for its PUBACK.
   */
  long connectionLost(boolean afterServerClose, long connectedAtMillis, Throwable cause,
      boolean resendOutstanding, long nowMillis) {
    serverCloses = (char) Takeover.closesAfter(s, serverCloses, afterServerClose, connectedAtMillis, cause,
        resendOutstanding, nowMillis);
    if (serverCloses >= Takeover.TAKEOVER_CLOSES) {
      return STOP;
    }
    failures = 0;
    return s.backoff.delayMillis(0);
  }

  /** Returns the error of giving up at {@code nowMillis}, the last attempt having failed with {@code error}. */
  RuntimeException gaveUp(Throwable error, long nowMillis) {
    return s.failures.connection("Gave up connecting " + s.identity + " after " + failingForMillis(nowMillis)
        + " ms and " + failures + " attempts; last error: " + error.getMessage(), error);
  }

  /** Returns the error of a takeover (see {@link #connectionLost}) whose last close had {@code cause}. */
  RuntimeException takenOver(Throwable cause) {
    return s.failures.connection("Another client connected as " + s.identity
        + ": the hub closed this client's connection " + (int) serverCloses + " times in "
        + "a row, each time soon after it reconnected (session takeover). It stopped "
        + "reconnecting so that the two do not take turns; stop the other client, or call "
        + "connect() to take the identity back", cause);
  }
}
