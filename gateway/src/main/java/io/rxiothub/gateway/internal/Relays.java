// The relays of the leaves, by client id: the configured ones, and those provisioned on first sight (§18.5).
package io.rxiothub.gateway.internal;

import java.util.Collection;
import java.util.Collections;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/** A concurrent map of the leaves' relays; a relay once added stays until the gateway stops. */
public final class Relays {

  private final Map<String, LeafRelay> byId;

  /** Starts with {@code byId}. */
  public Relays(Map<String, LeafRelay> byId) {
    this.byId = new ConcurrentHashMap<>(byId);
  }

  /** The relay of {@code clientId}, or null if it is not a leaf. */
  public @Nullable LeafRelay get(String clientId) {
    return byId.get(clientId);
  }

  /** The relay of {@code clientId}, made by {@code create} if there is none yet. */
  public LeafRelay getOrAdd(String clientId, Function<String, LeafRelay> create) {
    return byId.computeIfAbsent(clientId, create);
  }

  /** Every relay (a live view). */
  public Collection<LeafRelay> all() {
    return Collections.unmodifiableCollection(byId.values());
  }
}
