// What a full store does with one more message (protocol.md §19.3).
package io.rxiothub.gateway.store;

/** What a {@link ForwardStore} does when a message does not fit under its size limit. */
public enum OverflowPolicy {
  /**
   * The new message is refused: its append fails with {@link StoreFullException} and nothing already accepted is
   * lost (the gateway then refuses the device's publish, so the device keeps it). The default.
   */
  REJECT_NEW,
  /**
   * The oldest message of the device whose queue holds the most bytes (ties: the lowest device id) is deleted, again
   * until the new one fits; the store counts them as dropped. The device that floods the store pays, not the quiet
   * ones; the newest readings are kept.
   */
  DROP_OLDEST
}
