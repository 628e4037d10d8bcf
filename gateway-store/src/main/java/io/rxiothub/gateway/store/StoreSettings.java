// How a ForwardStore is opened: where (a directory or memory), its bounds, its overflow policy and its clock.
package io.rxiothub.gateway.store;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Settings of a {@link ForwardStore}: a directory (durable) or none (in memory, for tests and for a gateway that may
 * lose its queue on restart), the most bytes the queued records may take ({@code maxBytes}, default 256 MiB), how
 * long a message may wait ({@code maxAge}, default 7 days: older ones are deleted and counted as expired), what a
 * full store does ({@link OverflowPolicy}, default {@link OverflowPolicy#REJECT_NEW}) and the clock that stamps and
 * ages messages (default the system's UTC clock; tests pass their own). Immutable.
 */
public final class StoreSettings {

  /** Default size limit: 256 MiB of records. */
  public static final long DEFAULT_MAX_BYTES = 256L * 1024 * 1024;
  /** Default age limit: 7 days. */
  public static final Duration DEFAULT_MAX_AGE = Duration.ofDays(7);

  private final @Nullable Path directory;
  private final long maxBytes;
  private final Duration maxAge;
  private final OverflowPolicy overflow;
  private final Clock clock;

  private StoreSettings(Builder b) {
    this.directory = b.directory;
    this.maxBytes = b.maxBytes;
    this.maxAge = b.maxAge;
    this.overflow = b.overflow;
    this.clock = b.clock;
  }

  /** Returns a new builder: in memory, 256 MiB, 7 days, REJECT_NEW, the system clock. */
  public static Builder builder() {
    return new Builder();
  }

  /** Returns a builder holding these settings. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.directory = directory;
    b.maxBytes = maxBytes;
    b.maxAge = maxAge;
    b.overflow = overflow;
    b.clock = clock;
    return b;
  }

  /** Returns the store's directory, or null for a store in memory. */
  public @Nullable Path directory() {
    return directory;
  }

  /** Returns whether the store lives in memory only. */
  public boolean inMemory() {
    return directory == null;
  }

  /** Returns the most bytes the queued records may take (record size as protocol.md §19 counts it). */
  public long maxBytes() {
    return maxBytes;
  }

  /** Returns how long a message may stay queued. */
  public Duration maxAge() {
    return maxAge;
  }

  /** Returns what a full store does. */
  public OverflowPolicy overflow() {
    return overflow;
  }

  /** Returns the clock that stamps and ages messages. */
  public Clock clock() {
    return clock;
  }

  @Override
  public boolean equals(@Nullable Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof StoreSettings)) {
      return false;
    }
    StoreSettings s = (StoreSettings) o;
    return maxBytes == s.maxBytes && Objects.equals(directory, s.directory) && maxAge.equals(s.maxAge)
        && overflow == s.overflow && clock.equals(s.clock);
  }

  @Override
  public int hashCode() {
    return Objects.hash(directory, maxBytes, maxAge, overflow, clock);
  }

  @Override
  public String toString() {
    return "StoreSettings{" + (directory == null ? "in memory" : directory.toString()) + ", maxBytes " + maxBytes
        + ", maxAge " + maxAge + ", " + overflow + "}";
  }

  /** Builds {@link StoreSettings}. */
  public static final class Builder {
    private @Nullable Path directory;
    private long maxBytes = DEFAULT_MAX_BYTES;
    private Duration maxAge = DEFAULT_MAX_AGE;
    private OverflowPolicy overflow = OverflowPolicy.REJECT_NEW;
    private Clock clock = Clock.systemUTC();

    private Builder() {}

    /**
     * Keeps the store durably in this directory (made if missing; one store per directory at a time).
     *
     * @throws IllegalArgumentException if null
     */
    public Builder directory(Path directory) {
      if (directory == null) {
        throw new IllegalArgumentException("directory must not be null (use inMemory() for a store in memory)");
      }
      this.directory = directory;
      return this;
    }

    /** Keeps the store in memory (the default): nothing survives the JVM. */
    public Builder inMemory() {
      this.directory = null;
      return this;
    }

    /**
     * Sets the most bytes the queued records may take.
     *
     * @throws IllegalArgumentException if not positive
     */
    public Builder maxBytes(long maxBytes) {
      if (maxBytes <= 0) {
        throw new IllegalArgumentException("maxBytes must be positive, was " + maxBytes);
      }
      this.maxBytes = maxBytes;
      return this;
    }

    /**
     * Sets how long a message may stay queued before it is deleted as expired.
     *
     * @throws IllegalArgumentException if null, zero or negative
     */
    public Builder maxAge(Duration maxAge) {
      if (maxAge == null) {
        throw new IllegalArgumentException("maxAge must not be null");
      }
      if (maxAge.isZero() || maxAge.isNegative()) {
        throw new IllegalArgumentException("maxAge must be positive, was " + maxAge);
      }
      this.maxAge = maxAge;
      return this;
    }

    /**
     * Sets what a full store does.
     *
     * @throws IllegalArgumentException if null
     */
    public Builder overflow(OverflowPolicy overflow) {
      if (overflow == null) {
        throw new IllegalArgumentException("overflow must not be null");
      }
      this.overflow = overflow;
      return this;
    }

    /**
     * Sets the clock that stamps and ages messages.
     *
     * @throws IllegalArgumentException if null
     */
    public Builder clock(Clock clock) {
      if (clock == null) {
        throw new IllegalArgumentException("clock must not be null");
      }
      this.clock = clock;
      return this;
    }

    /** Returns the settings. */
    public StoreSettings build() {
      return new StoreSettings(this);
    }
  }
}
