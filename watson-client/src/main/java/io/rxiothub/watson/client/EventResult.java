// The outcome of one event of a stream (GatewayClient.sendAll).
package io.rxiothub.watson.client;

import org.jspecify.annotations.Nullable;

/** The outcome of one event sent through {@code GatewayClient.sendAll}: acknowledged, or failed. */
public interface EventResult {

  /** Returns the event, the instance the stream took from its source. */
  GatewayEvent event();

  /** Returns null if the platform acknowledged the event (PUBACK, or written at QoS 0), else why not. */
  @Nullable Throwable error();

  /** Returns true if the platform acknowledged the event. */
  default boolean isSuccess() {
    return error() == null;
  }
}
