// What the offline queue does when a message arrives and it is full.
package io.rxiothub.device;

/** What {@code send} does while the client is reconnecting and the offline queue is full. */
public enum OverflowPolicy {
  /** The new message is refused: its {@code send} fails with {@link IotHubQueueFullException}. */
  FAIL,
  /**
   * The new message is accepted and the oldest queued one is dropped: the dropped message's
   * {@code send} fails with {@link IotHubQueueFullException}, so no drop goes unnoticed.
   */
  DROP_OLDEST
}
