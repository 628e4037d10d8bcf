// A full store at the gateway level (issue 20, protocol.md §18.4, §19): with REJECT_NEW the leaf gets no PUBACK, its
// client keeps the message and sends it again once there is room; with DROP_OLDEST the oldest records go, counted;
// neither stops the gateway. The upstream is partitioned meanwhile, so nothing drains.
package io.rxiothub.gateway;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.rxiothub.device.DeviceClient;
import io.rxiothub.device.Message;
import io.rxiothub.emulator.DeviceIdentity;
import io.rxiothub.emulator.HubEmulator;
import io.rxiothub.emulator.HubEmulatorExtension;
import java.io.ByteArrayInputStream;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

@Timeout(value = 120, unit = TimeUnit.SECONDS)
class GatewayOverflowIT {

  @RegisterExtension
  static final HubEmulatorExtension HUB = new HubEmulatorExtension();

  private static final long STORE_BYTES = 4096;

  private Gateway gateway;
  private DeviceClient client;

  @AfterEach
  void stop() {
    if (client != null) {
      client.close();
    }
    if (gateway != null) {
      gateway.close();
    }
  }

  @Test
  void rejectNewWithholdsThePubackAndTheLeafSendsAgainOnceThereIsRoom(HubEmulator hub) throws Exception {
    DeviceIdentity leaf = startGatewayAndLeaf(hub, StoreOverflow.REJECT_NEW);
    hub.faults().partition(leaf.deviceId());
    Set<Integer> acked = ConcurrentHashMap.newKeySet();
    for (int i = 0; i < 40; i++) {
      int n = i;
      client.send(message(n, 200)).subscribe(() -> acked.add(n), error -> { });
    }

    await().atMost(Duration.ofSeconds(30)).until(() -> metric("rxiothub_gateway_messages_refused_total") > 0);
    assertThat(metric("rxiothub_gateway_queue_bytes")).isBetween(1L, STORE_BYTES);
    assertThat(metric("rxiothub_gateway_queue_dropped_total")).isZero();
    assertThat(acked).as("PUBACKs while the store is full").hasSizeLessThan(40)
        .hasSize((int) metric("rxiothub_gateway_messages_received_total"));

    hub.faults().heal(leaf.deviceId());

    await().atMost(Duration.ofSeconds(60)).until(() -> acked.size() == 40 && gateway.queuedMessages() == 0);
    assertThat(hub.telemetry(leaf.deviceId()).stream().map(m -> m.systemProperties().get("$.mid")).distinct())
        .as("every message, the refused ones sent again by the leaf, in order")
        .containsExactlyElementsOf(IntStream.range(0, 40).mapToObj(i -> "o-" + i).toList());
    assertThat(metric("rxiothub_gateway_messages_refused_total")).isPositive();
  }

  @Test
  void dropOldestAcknowledgesEveryMessageAndDropsTheOldestStoredOnes(HubEmulator hub) throws Exception {
    DeviceIdentity leaf = startGatewayAndLeaf(hub, StoreOverflow.DROP_OLDEST);
    hub.faults().partition(leaf.deviceId());
    // The first 256 go into the upstream client's window (held in its memory, sent after the partition); of the
    // rest, only what fits the store's 4 KiB stays: the oldest of them are dropped and never sent.
    int count = 256 + 100;
    for (int i = 0; i < count; i++) {
      client.send(message(i, 50)).blockingAwait(30, TimeUnit.SECONDS); // PUBACKed: the store took it
    }
    long dropped = metric("rxiothub_gateway_queue_dropped_total");
    assertThat(dropped).isPositive();
    assertThat(metric("rxiothub_gateway_messages_refused_total")).isZero();
    assertThat(metric("rxiothub_gateway_messages_received_total")).isEqualTo(count);
    assertThat(metric("rxiothub_gateway_queue_bytes")).isBetween(1L, STORE_BYTES);

    hub.faults().heal(leaf.deviceId());

    await().atMost(Duration.ofSeconds(60)).until(() -> gateway.queuedMessages() == 0
        && hub.telemetry(leaf.deviceId()).stream().anyMatch(m -> ("o-" + (count - 1))
            .equals(m.systemProperties().get("$.mid"))));
    List<Integer> got = hub.telemetry(leaf.deviceId()).stream()
        .map(m -> Integer.parseInt(m.systemProperties().get("$.mid").substring(2))).distinct().toList();
    assertThat(got).as("in order").isSorted();
    assertThat(got).as("the window sent before the drops").containsAll(IntStream.range(0, 256).boxed().toList());
    assertThat(got).as("the newest kept").contains(count - 1).hasSizeLessThan(count);
    assertThat(dropped).as("dropped counts at least the messages that never arrived")
        .isGreaterThanOrEqualTo(count - got.size());
  }

  private DeviceIdentity startGatewayAndLeaf(HubEmulator hub, StoreOverflow overflow) throws Exception {
    DeviceIdentity leaf = HUB.createDevice("full-" + Long.toString(System.nanoTime(), 36));
    gateway = Gateway.start(GatewayConfig.builder()
        .tlsPort(0)
        .hub(hub.hostName(), hub.mqttPort())
        .hubCaFile(hub.caFile())
        .store(STORE_BYTES, 3600, overflow)
        .leaf(LeafDevice.of(leaf.deviceId(), leaf.primaryKey()))
        .build());
    X509Certificate ca = (X509Certificate) CertificateFactory.getInstance("X.509")
        .generateCertificate(new ByteArrayInputStream(gateway.caCertificatePem().getBytes(UTF_8)));
    client = DeviceClient.builder()
        .connectionString(leaf.connectionString() + ";GatewayHostName=localhost")
        .port(gateway.tlsPort())
        .trustedCertificates(ca)
        .reconnectBackoff(50, 500)
        .build();
    client.connect().blockingAwait(30, TimeUnit.SECONDS);
    return leaf;
  }

  private static Message message(int n, int size) {
    return Message.builder().payload(new byte[size]).messageId("o-" + n).build();
  }

  /** A counter or gauge of the gateway's Prometheus text. */
  private long metric(String name) {
    for (String line : gateway.metrics().split("\n")) {
      if (line.startsWith(name + " ")) {
        return Long.parseLong(line.substring(name.length() + 1).trim());
      }
    }
    throw new AssertionError("no metric " + name + " in " + gateway.metrics());
  }
}
