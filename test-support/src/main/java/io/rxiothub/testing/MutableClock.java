// A java.time.Clock a test moves by hand, for code that takes its time from a Clock (the gateway store's ages and
// expiries, the forwarder's age limit): one helper instead of a copy in each module's tests.
package io.rxiothub.testing;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicLong;

/** A UTC clock that stands still until {@link #advance(long)} moves it; safe to read from any thread. */
public final class MutableClock extends Clock {

  private final AtomicLong millis;

  /** A clock that reads {@code epochMillis} until advanced. */
  public MutableClock(long epochMillis) {
    this.millis = new AtomicLong(epochMillis);
  }

  /** Moves the clock forward (or back, with a negative value) by {@code byMillis}. */
  public void advance(long byMillis) {
    millis.addAndGet(byMillis);
  }

  @Override
  public long millis() {
    return millis.get();
  }

  @Override
  public Instant instant() {
    return Instant.ofEpochMilli(millis.get());
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  /** Not supported: the clock is UTC only, and the code under test asks no other zone. */
  @Override
  public Clock withZone(ZoneId zone) {
    throw new UnsupportedOperationException("a MutableClock is UTC only");
  }
}
