// The relays of the configured leaves, by device id.
package io.rxiothub.gateway.internal;

import java.util.Collection;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** An immutable map of the leaves' relays. */
public final class Relays {

  private final Map<String, LeafRelay> byId;

  /** Wraps {@code byId}. */
  public Relays(Map<String, LeafRelay> byId) {
    this.byId = Map.copyOf(byId);
  }

  /** The relay of {@code deviceId}, or null if it is not a leaf. */
  public @Nullable LeafRelay get(String deviceId) {
    return byId.get(deviceId);
  }

  /** Every relay. */
  public Collection<LeafRelay> all() {
    return byId.values();
  }
}
