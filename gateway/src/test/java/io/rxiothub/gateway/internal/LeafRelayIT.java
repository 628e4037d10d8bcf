// LeafRelay against a durable store and the hub emulator: the reads and sends an append calls for run off the store's
// writer thread (which commits every leaf's appends), and the order per leaf is kept (issue 20, protocol.md §18.1);
// an upstream client that cannot be made loses nothing.
package io.rxiothub.gateway.internal;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.rxiothub.emulator.DeviceIdentity;
import io.rxiothub.emulator.HubEmulator;
import io.rxiothub.emulator.HubEmulatorExtension;
import io.rxiothub.gateway.GatewayConfig;
import io.rxiothub.gateway.LeafDevice;
import io.rxiothub.gateway.store.ForwardStore;
import io.rxiothub.gateway.store.StoreSettings;
import io.rxiothub.gateway.store.StoredMessage;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 120, unit = TimeUnit.SECONDS)
class LeafRelayIT {

  @RegisterExtension
  static final HubEmulatorExtension HUB = new HubEmulatorExtension();

  @Test
  void theSendsAnAppendCallsForRunOffTheStoresWriterThreadInOrder(HubEmulator hub, @TempDir Path dir)
      throws Exception {
    DeviceIdentity leaf = HUB.createDevice("relay-" + Long.toString(System.nanoTime(), 36));
    GatewayConfig config = GatewayConfig.builder().tlsPort(0).hub(hub.hostName(), hub.mqttPort())
        .hubCaFile(hub.caFile()).leaf(LeafDevice.of(leaf.deviceId(), leaf.primaryKey())).build();
    Set<String> readers = ConcurrentHashMap.newKeySet();
    ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    ExecutorService forwarder = Executors.newFixedThreadPool(2, r -> new Thread(r, "test-forwarder"));
    try (ForwardStore store = new ThreadRecordingStore(
        ForwardStore.open(StoreSettings.builder().directory(dir).build()), readers)) {
      LeafRelay relay = new LeafRelay(config.leaves().get(0), new UpstreamFactory(config),
          new Forwarding(store, new Metrics(), timer, forwarder), new NoLeaf());
      List<Throwable> refused = new CopyOnWriteArrayList<>();
      String topic = "devices/" + leaf.deviceId() + "/messages/events/%24.mid=";
      for (int i = 0; i < 50; i++) {
        relay.telemetry(topic + "m-" + i, ("{\"n\":" + i + "}").getBytes(UTF_8), error -> {
          if (error != null) {
            refused.add(error);
          }
        });
      }

      await().atMost(Duration.ofSeconds(60)).until(() -> store.stats().messages() == 0
          && hub.telemetry(leaf.deviceId()).size() >= 50);
      relay.close();

      assertThat(refused).isEmpty();
      assertThat(hub.telemetry(leaf.deviceId())).extracting(m -> m.systemProperties().get("$.mid"))
          .containsExactlyElementsOf(IntStream.range(0, 50).mapToObj(i -> "m-" + i).toList());
      assertThat(readers).as("threads that read the store to send").isNotEmpty()
          .noneMatch(name -> name.startsWith("rxiothub-store-writer"));
    } finally {
      forwarder.shutdownNow();
      timer.shutdownNow();
    }
  }

  /**
   * An upstream client that cannot be made (here: a DPS-assigned hub that is no host name) is not a record that can
   * never be sent: the leaf's telemetry stays stored, and goes, in order, once the client can be made.
   */
  @Test
  void telemetryStaysStoredWhileTheUpstreamClientCannotBeMade(HubEmulator hub, @TempDir Path dir) throws Exception {
    DeviceIdentity leaf = HUB.createDevice("relay-" + Long.toString(System.nanoTime(), 36));
    GatewayConfig config = GatewayConfig.builder().tlsPort(0).hub(hub.hostName(), hub.mqttPort())
        .hubCaFile(hub.caFile()).leaf(LeafDevice.of(leaf.deviceId(), leaf.primaryKey())).build();
    UpstreamFactory factory = new UpstreamFactory(config);
    factory.assign(leaf.deviceId(), "not a host name");
    ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    ExecutorService forwarder = Executors.newSingleThreadExecutor(r -> new Thread(r, "test-forwarder"));
    try (ForwardStore store = ForwardStore.open(StoreSettings.builder().directory(dir).build())) {
      LeafRelay relay = new LeafRelay(config.leaves().get(0), factory, new Forwarding(store, new Metrics(), timer,
          forwarder), new NoLeaf());
      List<Throwable> refused = new CopyOnWriteArrayList<>();
      String topic = "devices/" + leaf.deviceId() + "/messages/events/%24.mid=";
      for (int i = 0; i < 3; i++) {
        relay.telemetry(topic + "m-" + i, new byte[] {1}, error -> {
          if (error != null) {
            refused.add(error);
          }
        });
      }

      await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(10))
          .until(() -> store.stats().messages() == 3);
      factory.assign(leaf.deviceId(), hub.hostName());
      relay.telemetry(topic + "m-3", new byte[] {1}, error -> { });

      await().atMost(Duration.ofSeconds(30)).until(() -> hub.telemetry(leaf.deviceId()).size() >= 4
          && store.stats().messages() == 0);
      relay.close();
      assertThat(refused).isEmpty();
      assertThat(hub.telemetry(leaf.deviceId())).extracting(m -> m.systemProperties().get("$.mid"))
          .containsExactly("m-0", "m-1", "m-2", "m-3");
    } finally {
      forwarder.shutdownNow();
      timer.shutdownNow();
    }
  }

  /** The durable store, noting which threads read it to send upstream. */
  private static final class ThreadRecordingStore extends DelegatingStore {
    private final Set<String> readers;

    ThreadRecordingStore(ForwardStore store, Set<String> readers) {
      super(store);
      this.readers = readers;
    }

    @Override
    public List<StoredMessage> pending(String deviceId, long afterSequence, int max) {
      readers.add(Thread.currentThread().getName());
      return super.pending(deviceId, afterSequence, max);
    }
  }

  /** No leaf session downstream: this test sends telemetry only. */
  private static final class NoLeaf implements Downstream {
    @Override
    public CompletableFuture<Boolean> publish(String clientId, String topic, byte[] payload, int qos) {
      return CompletableFuture.completedFuture(false);
    }

    @Override
    public void disconnect(String clientId) {
      // nothing is connected
    }
  }
}
