// Issue 9, leaks: opening and closing many clients, and many faults, leave threads, sockets and heap where
// they were (thread leaks to OOM are the most reported official Java SDK bug).
package io.rxiothub.device.robustness;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.reactivex.rxjava3.core.Completable;
import io.reactivex.rxjava3.disposables.Disposable;
import io.rxiothub.device.ConnectionState.Status;
import io.rxiothub.device.DeviceClient;
import io.rxiothub.device.Message;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import io.rxiothub.emulator.DeviceIdentity;
import io.rxiothub.emulator.HubEmulatorExtension;
import io.rxiothub.testing.NoLeaksExtension;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

@ExtendWith(NoLeaksExtension.class)
class LeakIT {

  @RegisterExtension
  static final HubEmulatorExtension HUB = new HubEmulatorExtension();

  /** Tolerances: the hub emulator shares the JVM and its own pools may settle a little differently. */
  static final int EXTRA_THREADS = 6;
  static final int EXTRA_FILES = 16;
  static final long EXTRA_HEAP = 24L * 1024 * 1024;

  static ResourceGauge settledBaseline(DeviceIdentity warmUp) {
    // Warm up once: class loading, RxJava 2's JVM-wide threads, the emulator's pools.
    try (DeviceClient client = RobustClients.device(HUB.hub(), warmUp).build()) {
      client.connect().blockingAwait(20, TimeUnit.SECONDS);
      client.send(Message.builder().messageId("warm-up").build()).blockingAwait(20, TimeUnit.SECONDS);
    }
    await().atMost(Duration.ofSeconds(20)).until(() -> ResourceGauge.now().rxiothubThreads == 0);
    return ResourceGauge.now();
  }

  static void assertBackToBaseline(ResourceGauge base, String what) {
    List<ResourceGauge> last = new ArrayList<>();
    await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500)).until(() -> {
      ResourceGauge now = ResourceGauge.now();
      last.add(now);
      return now.within(base, EXTRA_THREADS, EXTRA_FILES, EXTRA_HEAP);
    });
    System.out.println("LeakIT " + what + ": before " + base + "; after "
        + last.get(last.size() - 1));
  }

  @Test
  @Timeout(120)
  void aThousandClientsOpenedAndClosedLeaveThreadsSocketsAndHeapWhereTheyWere() {
    DeviceIdentity id = HUB.createDevice(RobustClients.newId("many"));
    ResourceGauge base = settledBaseline(id);
    int batch = 10;
    List<DeviceIdentity> slots = new ArrayList<>();
    for (int i = 0; i < batch; i++) {
      slots.add(HUB.createDevice(id.deviceId() + "-" + i));
    }
    for (int round = 0; round < 1000 / batch; round++) {
      List<DeviceClient> clients = new ArrayList<>();
      List<Completable> connects = new ArrayList<>();
      for (DeviceIdentity slot : slots) {
        DeviceClient client = RobustClients.device(HUB.hub(), slot).build();
        clients.add(client);
        connects.add(client.connect());
      }
      Completable.merge(connects).blockingAwait(30, TimeUnit.SECONDS);
      for (DeviceClient client : clients) {
        assertThat(client.connectionState().status()).isEqualTo(Status.CONNECTED);
        client.close();
      }
    }
    assertBackToBaseline(base, "1000 clients");
  }

  @Test
  @Timeout(120)
  void aHundredFaultCyclesLeaveThreadsSocketsAndHeapWhereTheyWere() throws Exception {
    DeviceIdentity id = HUB.createDevice(RobustClients.newId("faults"));
    ResourceGauge base;
    try (TcpRelay relay = new TcpRelay(HUB.hub().mqttPort())) {
      base = settledBaseline(id);
      try (DeviceClient client = RobustClients.device(HUB.hub(), id, relay.port())
          .reconnectBackoff(1, 20).build()) {
        client.connect().blockingAwait(20, TimeUnit.SECONDS);
        for (int cycle = 0; cycle < 100; cycle++) {
          Completable sent = client.send(Message.builder().messageId("c" + cycle).build());
          relay.cut();
          await().atMost(Duration.ofSeconds(10))
              .until(() -> client.connectionState().status() == Status.RECONNECTING);
          relay.restore();
          sent.blockingAwait(20, TimeUnit.SECONDS);
          await().atMost(Duration.ofSeconds(10))
              .until(() -> client.connectionState().status() == Status.CONNECTED);
        }
      }
      await().atMost(Duration.ofSeconds(10)).until(() -> relay.openConnections() == 0);
    }
    assertBackToBaseline(base, "100 fault cycles");
  }

  @Test
  @Timeout(60)
  void closingWhileConnectingLeavesNoConnectionBehind() {
    DeviceIdentity id = HUB.createDevice(RobustClients.newId("close-early"));
    for (int i = 0; i < 20; i++) {
      DeviceClient client = RobustClients.device(HUB.hub(), id).build();
      Disposable connecting = client.connect().subscribe(() -> { }, e -> { });
      client.close();
      connecting.dispose();
    }
    await().atMost(Duration.ofSeconds(10)).until(() -> !HUB.hub().isConnected(id.deviceId()));
    await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(10))
        .until(() -> !HUB.hub().isConnected(id.deviceId()));
  }
}
