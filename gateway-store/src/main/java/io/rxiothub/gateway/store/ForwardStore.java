// The gateway's store-and-forward queue: append durably, read per device in order, delete after the cloud's PUBACK.
package io.rxiothub.gateway.store;

import io.reactivex.rxjava3.annotations.CheckReturnValue;
import io.reactivex.rxjava3.core.Single;
import io.rxiothub.gateway.store.internal.Stores;
import java.util.Collection;
import java.util.List;
import java.util.Set;

/**
 * Telemetry a gateway accepted from its devices, kept until the cloud acknowledged it (protocol.md §19).
 *
 * <p>A gateway {@linkplain #append appends} a device's message and acknowledges the device only when the append
 * completes (the message is then on disk: many appends share one sync); it reads each device's queue in append order
 * ({@link #pending(String, long, int)}), sends upstream, and {@linkplain #delete deletes} a message once the cloud
 * acknowledged it. After a crash the store holds every message whose append completed and was not deleted: sending
 * them again gives at-least-once delivery, each message with its own message id.
 *
 * <p>Bounds: the records may take at most {@link StoreSettings#maxBytes()} bytes (a full store applies its
 * {@link OverflowPolicy}), and a message older than {@link StoreSettings#maxAge()} is deleted and counted as expired
 * (checked on each append, each read and by {@link #expire()}).
 *
 * <p>Thread-safe. Reads and deletes are local and short (no sync to disk) and run on the calling thread; appends
 * complete on the store's writer thread, or on the calling thread for a store in memory.
 */
public interface ForwardStore extends AutoCloseable {

  /**
   * Opens a store: in memory, or in its directory (made if missing; what an earlier process left there is read
   * back).
   *
   * @throws IllegalArgumentException if settings is null
   * @throws StoreException if the directory cannot be opened (the cause says why; e.g. another process holds it)
   */
  static ForwardStore open(StoreSettings settings) {
    if (settings == null) {
      throw new IllegalArgumentException("settings must not be null");
    }
    return Stores.open(settings);
  }

  /**
   * Returns a cold {@link Single} that, on each subscription, appends the message to the device's queue and
   * succeeds with it as stored (its sequence and enqueue time) once it is durable. Disposing does not take back an
   * append already made.
   *
   * <p>Fails with {@link StoreFullException} if the message does not fit (policy {@link OverflowPolicy#REJECT_NEW}, or
   * a record larger than the whole limit), with {@link StoreException} if the store is closed or its database fails;
   * then the message is not kept.
   *
   * <p>A durable store signals on its writer thread, after the group's sync: keep the callback short (hand work
   * on with {@code observeOn}), since the next group waits for it.
   *
   * @throws IllegalArgumentException if the device id is null, empty or over 65,535 UTF-8 bytes, or the message null
   */
  @CheckReturnValue
  Single<StoredMessage> append(String deviceId, ForwardMessage message);

  /**
   * Returns up to {@code max} of the device's queued messages with a sequence above {@code afterSequence}, in
   * sequence (append) order; empty if there are none. Pass 0 to read from the head of the queue, or the last
   * sequence already sent to read what follows it. Messages past the age limit are deleted first, never returned.
   *
   * @throws IllegalArgumentException if the device id is null or empty, afterSequence negative or max not positive
   * @throws StoreException if the store is closed or its database fails
   */
  List<StoredMessage> pending(String deviceId, long afterSequence, int max);

  /**
   * Returns up to {@code max} of the device's queued messages from the head of its queue: {@code pending(deviceId, 0,
   * max)}.
   *
   * @throws IllegalArgumentException if the device id is null or empty, or max not positive
   * @throws StoreException if the store is closed or its database fails
   */
  default List<StoredMessage> pending(String deviceId, int max) {
    return pending(deviceId, 0, max);
  }

  /**
   * Deletes one message (after the cloud acknowledged it). Not synced on its own: it reaches the disk with the next
   * append's sync or at close, so a crash may bring it back (sent again: at least once).
   *
   * @return whether the message was queued
   * @throws IllegalArgumentException if the device id is null or empty
   * @throws StoreException if the store is closed or its database fails
   */
  boolean delete(String deviceId, long sequence);

  /**
   * Deletes several messages, each as {@link #delete(String, long)} deletes its {@linkplain StoredMessage#deviceId()
   * device id} and {@linkplain StoredMessage#sequence() sequence}, in one write (a gateway acknowledged by the cloud
   * many times a second deletes in batches: one write instead of one per message). A message named twice, or not
   * queued, is skipped. Not synced on its own, like {@link #delete(String, long)}.
   *
   * @return how many of the messages were queued (and are deleted)
   * @throws IllegalArgumentException if messages is null or holds null
   * @throws StoreException if the store is closed or its database fails (then none of them is deleted)
   */
  default int deleteAll(Collection<StoredMessage> messages) {
    if (messages == null) {
      throw new IllegalArgumentException("messages must not be null");
    }
    for (StoredMessage m : messages) {
      if (m == null) {
        throw new IllegalArgumentException("messages must not hold null");
      }
    }
    int n = 0;
    for (StoredMessage m : messages) {
      n += delete(m.deviceId(), m.sequence()) ? 1 : 0;
    }
    return n;
  }

  /**
   * Returns the devices that have queued messages, sorted by id (a snapshot).
   *
   * @throws StoreException if the store is closed
   */
  Set<String> devices();

  /**
   * Returns the store's counters now.
   *
   * @throws StoreException if the store is closed
   */
  StoreStats stats();

  /**
   * Returns one device's counters now (zeros for a device the store never saw).
   *
   * @throws IllegalArgumentException if the device id is null or empty
   * @throws StoreException if the store is closed
   */
  StoreStats stats(String deviceId);

  /**
   * Returns how many of the device's messages the store dropped (overflow policy) or expired (age limit) since it was
   * opened: {@code stats(deviceId)}'s dropped plus expired, but read without the store's lock and without building a
   * snapshot, so a gateway may ask before each send whether messages it holds in memory may have left the store. Zero
   * for a device the store never saw; a closed store answers its last count.
   *
   * @throws IllegalArgumentException if the device id is null or empty
   */
  long droppedOrExpired(String deviceId);

  /**
   * Deletes every message older than the age limit now, and returns how many.
   *
   * @throws StoreException if the store is closed or its database fails
   */
  int expire();

  /** Returns the settings the store was opened with. */
  StoreSettings settings();

  /**
   * Completes the appends already accepted, syncs and closes the store; later calls fail with {@link StoreException}.
   * Closing twice does nothing.
   */
  @Override
  void close();
}
