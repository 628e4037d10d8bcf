// Counters of a ForwardStore or of one device's queue in it, for health and metrics.
package io.rxiothub.gateway.store;

import org.jspecify.annotations.Nullable;

/**
 * A snapshot of a store's counters (or of one device's queue in it): messages queued and their bytes (record size as
 * protocol.md §19 counts it), and since the store was opened the messages dropped by {@link OverflowPolicy#DROP_OLDEST}
 * and those deleted because they were older than the age limit. Immutable.
 */
public final class StoreStats {

  private final long messages;
  private final long bytes;
  private final long dropped;
  private final long expired;

  private StoreStats(long messages, long bytes, long dropped, long expired) {
    this.messages = messages;
    this.bytes = bytes;
    this.dropped = dropped;
    this.expired = expired;
  }

  /**
   * Returns a snapshot.
   *
   * @throws IllegalArgumentException if a counter is negative
   */
  public static StoreStats of(long messages, long bytes, long dropped, long expired) {
    if (messages < 0 || bytes < 0 || dropped < 0 || expired < 0) {
      throw new IllegalArgumentException("counters must not be negative: messages " + messages + ", bytes " + bytes
          + ", dropped " + dropped + ", expired " + expired);
    }
    return new StoreStats(messages, bytes, dropped, expired);
  }

  /** Returns the number of messages queued. */
  public long messages() {
    return messages;
  }

  /** Returns the bytes the queued records take. */
  public long bytes() {
    return bytes;
  }

  /** Returns how many messages the overflow policy dropped since the store was opened. */
  public long dropped() {
    return dropped;
  }

  /** Returns how many messages expired (older than the age limit) since the store was opened. */
  public long expired() {
    return expired;
  }

  @Override
  public boolean equals(@Nullable Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof StoreStats)) {
      return false;
    }
    StoreStats s = (StoreStats) o;
    return messages == s.messages && bytes == s.bytes && dropped == s.dropped && expired == s.expired;
  }

  @Override
  public int hashCode() {
    int h = Long.hashCode(messages);
    h = 31 * h + Long.hashCode(bytes);
    h = 31 * h + Long.hashCode(dropped);
    return 31 * h + Long.hashCode(expired);
  }

  @Override
  public String toString() {
    return "StoreStats{" + messages + " messages, " + bytes + " bytes, " + dropped + " dropped, " + expired
        + " expired}";
  }
}
