// A ForwardStore that hands every call to another: tests override the calls they observe.
package io.rxiothub.gateway.internal;

import io.reactivex.rxjava3.core.Single;
import io.rxiothub.gateway.store.ForwardMessage;
import io.rxiothub.gateway.store.ForwardStore;
import io.rxiothub.gateway.store.StoreSettings;
import io.rxiothub.gateway.store.StoreStats;
import io.rxiothub.gateway.store.StoredMessage;
import java.util.Collection;
import java.util.List;
import java.util.Set;

/** Delegates every call to {@link #store}. */
class DelegatingStore implements ForwardStore {

  final ForwardStore store;

  DelegatingStore(ForwardStore store) {
    this.store = store;
  }

  @Override
  public Single<StoredMessage> append(String deviceId, ForwardMessage message) {
    return store.append(deviceId, message);
  }

  @Override
  public List<StoredMessage> pending(String deviceId, long afterSequence, int max) {
    return store.pending(deviceId, afterSequence, max);
  }

  @Override
  public boolean delete(String deviceId, long sequence) {
    return store.delete(deviceId, sequence);
  }

  @Override
  public int deleteAll(Collection<StoredMessage> messages) {
    return store.deleteAll(messages);
  }

  @Override
  public Set<String> devices() {
    return store.devices();
  }

  @Override
  public StoreStats stats() {
    return store.stats();
  }

  @Override
  public StoreStats stats(String deviceId) {
    return store.stats(deviceId);
  }

  @Override
  public long droppedOrExpired(String deviceId) {
    return store.droppedOrExpired(deviceId);
  }

  @Override
  public int expire() {
    return store.expire();
  }

  @Override
  public StoreSettings settings() {
    return store.settings();
  }

  @Override
  public void close() {
    store.close();
  }
}
