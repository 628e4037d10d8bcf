// The outcome of one message of a telemetry stream (IotHubClient.sendAll).
package io.rxiothub.device;

import org.jspecify.annotations.Nullable;

/**
 * The outcome of one message sent through {@link IotHubClient#sendAll}: acknowledged by the hub
 * (PUBACK, or written for {@link Message#atMostOnce()}), or failed.
 */
public interface SendResult {

  /** Returns the message, the same instance the stream took from its source. */
  Message message();

  /**
   * Returns null if the hub acknowledged the message, else why it was not sent: see
   * {@link IotHubClient#sendAll} for the errors.
   */
  @Nullable Throwable error();

  /** Returns true if the hub acknowledged the message. */
  default boolean isSuccess() {
    return error() == null;
  }
}
