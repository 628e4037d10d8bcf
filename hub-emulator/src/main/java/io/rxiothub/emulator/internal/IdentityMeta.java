// The service-side fields of an identity the device side does not use: generationId, statusReason,
// statusUpdatedTime (docs/service-api.md §5). Kept with the identity, in memory and in the data dir's database.
package io.rxiothub.emulator.internal;

import java.util.Locale;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * {@code generationId}: 18 digits, new for every creation of an id (it tells a re-created identity from the old one);
 * {@code statusReason}: free text set by the service, or null; {@code statusUpdatedTime}: ISO-8601 UTC of the last
 * change of status ({@link #NEVER} when never changed).
 */
public record IdentityMeta(String generationId, @Nullable String statusReason, String statusUpdatedTime) {

  /** The hub's "never" time. */
  public static final String NEVER = "0001-01-01T00:00:00Z";

  /** Rejects missing fields. */
  public IdentityMeta {
    if (generationId == null) {
      throw new IllegalArgumentException("generationId must not be null");
    }
    if (statusUpdatedTime == null) {
      throw new IllegalArgumentException("statusUpdatedTime must not be null");
    }
  }

  /** The fields of a new identity created at {@code statusUpdatedTime}. */
  public static IdentityMeta created(@Nullable String statusReason, String statusUpdatedTime) {
    return new IdentityMeta(newGenerationId(), statusReason, statusUpdatedTime);
  }

  /** A random 18-digit generation id. */
  public static String newGenerationId() {
    long bits = UUID.randomUUID().getLeastSignificantBits() & Long.MAX_VALUE;
    return String.format(Locale.ROOT, "%018d", bits % 1_000_000_000_000_000_000L);
  }
}
