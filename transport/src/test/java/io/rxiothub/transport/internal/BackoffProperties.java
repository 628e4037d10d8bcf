// Full-jitter backoff stays within its exponential ceiling.
package io.rxiothub.transport.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;

class BackoffProperties {

  @Property
  void delaysStayWithinTheCappedExponentialCeiling(@ForAll @LongRange(max = 10_000) long initial,
      @ForAll @LongRange(max = 600_000) long extra, @ForAll @IntRange(max = 200) int attempt,
      @ForAll long seed) {
    Backoff backoff = new Backoff(initial, initial + extra, new Random(seed));
    long ceiling = backoff.ceilingMillis(attempt);
    double exponential = initial * Math.pow(2, attempt);
    assertThat(ceiling).isEqualTo((long) Math.min(initial + extra, exponential));
    assertThat(backoff.delayMillis(attempt)).isBetween(0L, ceiling);
  }
}
