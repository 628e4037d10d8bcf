// Argument checks shared by the store implementations.
package io.rxiothub.gateway.store.internal;

/** Checks of the store's arguments, with the messages ForwardStore documents. */
public final class Args {

  private Args() {}

  /** Returns the device id if non-empty. */
  public static String deviceId(String deviceId) {
    if (deviceId == null || deviceId.isEmpty()) {
      throw new IllegalArgumentException("deviceId must not be null or empty");
    }
    return deviceId;
  }

  /** Checks a read's window. */
  public static void window(long afterSequence, int max) {
    if (afterSequence < 0) {
      throw new IllegalArgumentException("afterSequence must not be negative, was " + afterSequence);
    }
    if (max <= 0) {
      throw new IllegalArgumentException("max must be positive, was " + max);
    }
  }
}
