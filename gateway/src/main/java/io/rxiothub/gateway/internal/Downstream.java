// What a leaf's relay may do on the downstream broker.
package io.rxiothub.gateway.internal;

import java.util.concurrent.CompletableFuture;

/** The downstream broker as the relays see it. */
public interface Downstream {

  /** Publishes to one leaf's session at QoS {@code qos}; true when a subscription of the leaf took it. */
  CompletableFuture<Boolean> publish(String clientId, String topic, byte[] payload, int qos);

  /** Closes a leaf's connection (after a refused message: its SDK keeps the message and retries). */
  void disconnect(String clientId);
}
