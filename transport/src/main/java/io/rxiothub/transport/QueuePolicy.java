// What the offline queue does with a new message when it is full.
package io.rxiothub.transport;

/** The overflow policy of the offline queue. */
public enum QueuePolicy {
  /** The new message fails. */
  FAIL,
  /** The oldest queued message fails and the new one is queued. */
  DROP_OLDEST
}
