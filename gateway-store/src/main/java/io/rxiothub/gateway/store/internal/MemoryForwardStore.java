// The store in memory: the same rules as the durable one (limits, policies, expiry, order) with nothing on disk.
package io.rxiothub.gateway.store.internal;

import io.reactivex.rxjava3.annotations.CheckReturnValue;
import io.reactivex.rxjava3.core.Single;
import io.rxiothub.gateway.store.ForwardMessage;
import io.rxiothub.gateway.store.ForwardStore;
import io.rxiothub.gateway.store.OverflowPolicy;
import io.rxiothub.gateway.store.StoreException;
import io.rxiothub.gateway.store.StoreFullException;
import io.rxiothub.gateway.store.StoreSettings;
import io.rxiothub.gateway.store.StoreStats;
import io.rxiothub.gateway.store.StoredMessage;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.TreeMap;

/**
 * A {@link ForwardStore} in memory, for tests and for a gateway that accepts losing its queue on restart. Appends
 * complete on the subscribing thread. One lock guards everything but the lock-free count of lost messages.
 */
final class MemoryForwardStore implements ForwardStore {

  private final StoreSettings settings;
  private final long maxAgeMillis;
  private final TreeMap<Long, Held> all = new TreeMap<>();
  private final Map<String, TreeMap<Long, Held>> byDevice = new HashMap<>();
  private final Tally tally = new Tally();
  private long nextSequence = 1;
  private boolean closed;

  MemoryForwardStore(StoreSettings settings) {
    this.settings = settings;
    this.maxAgeMillis = Ages.millis(settings.maxAge());
  }

  @Override
  @CheckReturnValue
  public Single<StoredMessage> append(String deviceId, ForwardMessage message) {
    Args.deviceId(deviceId);
    RecordCodec.deviceIdBytes(deviceId);
    if (message == null) {
      throw new IllegalArgumentException("message must not be null");
    }
    return Single.fromCallable(() -> appendNow(deviceId, message));
  }

  private synchronized StoredMessage appendNow(String deviceId, ForwardMessage message) {
    checkOpen();
    long now = settings.clock().millis();
    expireNow(now);
    long size = RecordCodec.size(deviceId, message);
    long max = settings.maxBytes();
    if (size > max || (tally.bytes() + size > max && settings.overflow() == OverflowPolicy.REJECT_NEW)) {
      throw new StoreFullException(max, tally.bytes(), size, settings.overflow());
    }
    while (tally.bytes() + size > max) {
      Held oldest = byDevice.get(tally.fullestDevice()).firstEntry().getValue();
      remove(oldest, Tally.Removal.DROPPED);
    }
    StoredMessage stored = StoredMessage.of(nextSequence++, deviceId, Instant.ofEpochMilli(now), message);
    Held held = new Held(stored, size);
    all.put(stored.sequence(), held);
    byDevice.computeIfAbsent(deviceId, k -> new TreeMap<>()).put(stored.sequence(), held);
    tally.add(deviceId, size);
    return stored;
  }

  @Override
  public synchronized List<StoredMessage> pending(String deviceId, long afterSequence, int max) {
    Args.deviceId(deviceId);
    Args.window(afterSequence, max);
    checkOpen();
    expireNow(settings.clock().millis());
    List<StoredMessage> out = new ArrayList<>();
    TreeMap<Long, Held> queue = byDevice.get(deviceId);
    if (queue != null) {
      for (Held h : queue.tailMap(afterSequence, false).values()) {
        if (out.size() == max) {
          break;
        }
        out.add(h.message);
      }
    }
    return out;
  }

  @Override
  public synchronized boolean delete(String deviceId, long sequence) {
    Args.deviceId(deviceId);
    checkOpen();
    TreeMap<Long, Held> queue = byDevice.get(deviceId);
    Held h = queue == null ? null : queue.get(sequence);
    if (h == null) {
      return false;
    }
    remove(h, Tally.Removal.DELETED);
    return true;
  }

  @Override
  public synchronized Set<String> devices() {
    checkOpen();
    return tally.devices();
  }

  @Override
  public synchronized StoreStats stats() {
    checkOpen();
    return tally.stats();
  }

  @Override
  public synchronized StoreStats stats(String deviceId) {
    Args.deviceId(deviceId);
    checkOpen();
    return tally.stats(deviceId);
  }

  @Override
  public long droppedOrExpired(String deviceId) {
    Args.deviceId(deviceId);
    return tally.droppedOrExpired(deviceId); // without the lock: the tally's count is thread-safe
  }

  @Override
  public synchronized int expire() {
    checkOpen();
    return expireNow(settings.clock().millis());
  }

  @Override
  public StoreSettings settings() {
    return settings;
  }

  @Override
  public synchronized void close() {
    closed = true;
  }

  private int expireNow(long now) {
    int n = 0;
    Iterator<Held> it = all.values().iterator();
    while (it.hasNext()) {
      Held h = it.next();
      if (!Ages.expired(h.message.enqueuedAtMillis(), now, maxAgeMillis)) {
        break;
      }
      it.remove();
      removeFromDevice(h, Tally.Removal.EXPIRED);
      n++;
    }
    return n;
  }

  private void remove(Held h, Tally.Removal why) {
    all.remove(h.message.sequence());
    removeFromDevice(h, why);
  }

  private void removeFromDevice(Held h, Tally.Removal why) {
    String device = h.message.deviceId();
    NavigableMap<Long, Held> queue = byDevice.get(device);
    queue.remove(h.message.sequence());
    if (queue.isEmpty()) {
      byDevice.remove(device);
    }
    tally.remove(device, h.size, why);
  }

  private void checkOpen() {
    if (closed) {
      throw new StoreException("the gateway store is closed");
    }
  }

  /** A queued message and its record size. */
  private static final class Held {
    final StoredMessage message;
    final long size;

    Held(StoredMessage message, long size) {
      this.message = message;
      this.size = size;
    }
  }
}
