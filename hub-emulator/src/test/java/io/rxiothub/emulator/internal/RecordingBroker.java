// The broker as the hub's internals see it (BrokerLink, a seam we own), for tests without a broker: every publish
// reaches its client at once and is recorded.
package io.rxiothub.emulator.internal;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.jspecify.annotations.Nullable;

/** Records each publish, whether {@code lock} was held over it, and each disconnect. Thread-safe. */
final class RecordingBroker implements BrokerLink {

  /** {@code "clientId topic"} of each publish, in order. */
  final List<String> topics = new CopyOnWriteArrayList<>();
  /** {@code "clientId payload"} (the payload as UTF-8) of each publish, in order. */
  final List<String> bodies = new CopyOnWriteArrayList<>();
  final List<byte[]> payloads = new CopyOnWriteArrayList<>();
  /** Whether the publishing thread held {@code lock}, per publish (empty without a lock to watch). */
  final List<Boolean> heldLock = new CopyOnWriteArrayList<>();
  final List<String> disconnected = new CopyOnWriteArrayList<>();
  private final @Nullable Object lock;

  /** A broker that notes whether {@code lock} (if not null) is held over each publish. */
  RecordingBroker(@Nullable Object lock) {
    this.lock = lock;
  }

  @Override
  public CompletableFuture<Boolean> publishToClient(String clientId, String topic, byte[] payload, int qos) {
    topics.add(clientId + " " + topic);
    bodies.add(clientId + " " + new String(payload, StandardCharsets.UTF_8));
    payloads.add(payload);
    if (lock != null) {
      heldLock.add(Thread.holdsLock(lock));
    }
    return CompletableFuture.completedFuture(true);
  }

  @Override
  public void disconnect(String clientId) {
    disconnected.add(clientId);
  }

  @Override
  public CompletableFuture<Void> addSubscriptions(String clientId, Map<String, Integer> subscriptions) {
    return CompletableFuture.completedFuture(null);
  }
}
