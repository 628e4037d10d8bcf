// The in-memory store against the model.
package io.rxiothub.gateway.store;

import net.jqwik.api.PropertyDefaults;

@PropertyDefaults(tries = 300)
class MemoryForwardStoreProperties extends ForwardStoreContract {

  @Override
  ForwardStore openFresh(StoreSettings settings) {
    return ForwardStore.open(settings);
  }

  @Override
  ForwardStore reopen(ForwardStore store) {
    return store;
  }
}
