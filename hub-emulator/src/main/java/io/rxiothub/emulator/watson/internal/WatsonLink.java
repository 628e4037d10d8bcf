// What the Watson core asks of the broker: publish to subscribers, publish to one client, disconnect a client.
package io.rxiothub.emulator.watson.internal;

/** The broker side of the Watson organisation mode (HiveMQ's services, or a test double). */
public interface WatsonLink {
  /** Publishes to every matching subscriber (RETAIN 0). */
  void publish(String topic, byte[] payload, int qos);

  /** Publishes to one client if it has a matching subscription (RETAIN 0). */
  void publishToClient(String clientId, String topic, byte[] payload, int qos);

  /** Closes the client's connection. */
  void disconnect(String clientId);
}
