// A clock the test moves by hand: the store's time passed in.
package io.rxiothub.gateway.store;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

final class MutableClock extends Clock {

  private volatile long millis;

  MutableClock(long millis) {
    this.millis = millis;
  }

  void advance(long by) {
    millis += by;
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    return this;
  }

  @Override
  public long millis() {
    return millis;
  }

  @Override
  public Instant instant() {
    return Instant.ofEpochMilli(millis);
  }
}
