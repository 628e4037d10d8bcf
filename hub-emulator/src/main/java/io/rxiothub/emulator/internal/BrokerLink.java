// What the hub logic needs from the running broker; implemented on HiveMQ's extension services.
package io.rxiothub.emulator.internal;

import java.util.Map;
import java.util.concurrent.CompletableFuture;

/** Broker operations the hub uses to answer devices. */
public interface BrokerLink {

  /** Publishes to one client; completes with true when queued for it, false when it has no matching subscription. */
  CompletableFuture<Boolean> publishToClient(String clientId, String topic, byte[] payload, int qos);

  /** Closes the client's network connection (MQTT 3.1.1 has no server DISCONNECT). */
  void disconnect(String clientId);

  /** Adds subscriptions (filter → QoS) to a connected client's session. */
  CompletableFuture<Void> addSubscriptions(String clientId, Map<String, Integer> subscriptions);
}
