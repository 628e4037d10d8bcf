// Opens the store the settings ask for.
package io.rxiothub.gateway.store.internal;

import io.rxiothub.gateway.store.ForwardStore;
import io.rxiothub.gateway.store.StoreSettings;

/** Picks the implementation: in memory, or durable in a directory. */
public final class Stores {

  private Stores() {}

  /** Opens a store. */
  public static ForwardStore open(StoreSettings settings) {
    if (settings.inMemory()) {
      return new MemoryForwardStore(settings);
    }
    return RocksForwardStore.open(settings);
  }
}
