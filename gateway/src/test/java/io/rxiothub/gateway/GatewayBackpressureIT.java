// Overload (issue 20, protocol.md §18.9): a leaf that sends faster than the store takes its telemetry is no longer
// read once it has maxPendingPerLeaf PUBLISHes awaiting the store (TCP holds its client back; nothing refused), and
// all leaves together stop being read above maxPendingBytes. The store is ours, wrapped so that its appends wait at
// a valve the test opens; the leaves are the HiveMQ MQTT client (MQTT 3.1.1, which has no receive maximum, and
// MQTT 5, which is told the limit), the upstream the hub emulator.
package io.rxiothub.gateway;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt3.Mqtt3AsyncClient;
import com.hivemq.client.mqtt.mqtt3.Mqtt3Client;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5Client;
import com.hivemq.client.mqtt.mqtt5.message.connect.connack.Mqtt5ConnAck;
import io.reactivex.rxjava3.core.Single;
import io.reactivex.rxjava3.subjects.CompletableSubject;
import io.rxiothub.emulator.DeviceIdentity;
import io.rxiothub.emulator.HubEmulator;
import io.rxiothub.emulator.HubEmulatorExtension;
import io.rxiothub.emulator.TelemetryMessage;
import io.rxiothub.gateway.internal.GatewayRuntime;
import io.rxiothub.gateway.store.ForwardMessage;
import io.rxiothub.gateway.store.ForwardStore;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

@Timeout(value = 120, unit = TimeUnit.SECONDS)
class GatewayBackpressureIT {

  @RegisterExtension
  static final HubEmulatorExtension HUB = new HubEmulatorExtension();

  private static final int MESSAGES = 300;
  private static final int PAYLOAD = 1000;
  /** Netty reads at most 64 KiB at a time: what one read brought in is still decoded after reading stops. */
  private static final int ONE_READ = 65_536 / PAYLOAD + 1;

  /** The store's appends wait here while it is closed (the store stalls, as a slow disk would). */
  private final CompletableSubject valve = CompletableSubject.create();
  private GatewayRuntime gateway;
  private final List<Mqtt3AsyncClient> leaves = new ArrayList<>();

  @AfterEach
  void stop() {
    valve.onComplete();
    leaves.forEach(leaf -> leaf.disconnect().exceptionally(e -> null));
    if (gateway != null) {
      gateway.close();
    }
  }

  @Test
  void aFloodingLeafIsNoLongerReadAtItsLimitAndCatchesUpWithNothingLost(HubEmulator hub) throws Exception {
    List<DeviceIdentity> ids = start(hub, 1, 8, 64L * 1024 * 1024);
    Set<Integer> acked = ConcurrentHashMap.newKeySet();
    flood(0, ids.get(0), acked);

    await().atMost(Duration.ofSeconds(20)).until(() -> metric("rxiothub_gateway_leaves_paused") == 1);
    assertThat(metric("rxiothub_gateway_publishes_pending_peak_per_leaf"))
        .as("PUBLISHes awaiting the store: the limit and at most one socket read more, not the %d sent", MESSAGES)
        .isBetween(8L, 8L + ONE_READ);
    assertThat(metric("rxiothub_gateway_publishes_pending")).isBetween(8L, 8L + ONE_READ);
    assertThat(acked).as("no PUBACK while the store has not taken anything").isEmpty();
    assertThat(metric("rxiothub_gateway_leaf_pauses_total")).isEqualTo(1);

    valve.onComplete(); // the store catches up

    await().atMost(Duration.ofSeconds(60)).until(() -> acked.size() == MESSAGES);
    assertEverythingArrivedInOrder(hub, ids.get(0), 0);
    assertThat(metric("rxiothub_gateway_publishes_pending")).isZero();
    assertThat(metric("rxiothub_gateway_publishes_pending_bytes")).isZero();
    assertThat(metric("rxiothub_gateway_leaves_paused")).isZero();
    assertThat(metric("rxiothub_gateway_publishes_pending_peak_per_leaf")).isLessThanOrEqualTo(8L + ONE_READ);
  }

  @Test
  void qos0TelemetryIsBoundedTooAndArrivesInOrder(HubEmulator hub) throws Exception {
    List<DeviceIdentity> ids = start(hub, 1, 8, 64L * 1024 * 1024);
    flood(0, ids.get(0), MqttQos.AT_MOST_ONCE, ConcurrentHashMap.newKeySet());

    await().atMost(Duration.ofSeconds(20)).until(() -> metric("rxiothub_gateway_leaves_paused") == 1);
    assertThat(metric("rxiothub_gateway_publishes_pending_peak_per_leaf"))
        .as("QoS 0 PUBLISHes queued in HiveMQ: the limit and at most one socket read more")
        .isBetween(8L, 8L + ONE_READ);

    valve.onComplete();

    assertEverythingArrivedInOrder(hub, ids.get(0), 0);
    await().atMost(Duration.ofSeconds(30)).until(() -> metric("rxiothub_gateway_publishes_pending") == 0
        && metric("rxiothub_gateway_leaves_paused") == 0);
  }

  @Test
  void withoutTheLimitTheSameFloodWaitsInTheGatewaysMemory(HubEmulator hub) throws Exception {
    List<DeviceIdentity> ids = start(hub, 1, 65_535, 64L * 1024 * 1024);
    Set<Integer> acked = ConcurrentHashMap.newKeySet();
    flood(0, ids.get(0), acked);

    await().atMost(Duration.ofSeconds(30)).until(() -> metric("rxiothub_gateway_publishes_pending") == MESSAGES);
    assertThat(metric("rxiothub_gateway_leaves_paused")).isZero();
    assertThat(metric("rxiothub_gateway_publishes_pending_bytes")).as("HiveMQ's estimate").isGreaterThan(
        (long) MESSAGES * PAYLOAD);

    valve.onComplete();

    await().atMost(Duration.ofSeconds(60)).until(() -> acked.size() == MESSAGES);
    assertEverythingArrivedInOrder(hub, ids.get(0), 0);
  }

  @Test
  void allLeavesTogetherStopBeingReadAboveTheTotalAndCatchUp(HubEmulator hub) throws Exception {
    long total = 65_536;
    List<DeviceIdentity> ids = start(hub, 2, 65_535, total);
    Set<Integer> acked0 = ConcurrentHashMap.newKeySet();
    Set<Integer> acked1 = ConcurrentHashMap.newKeySet();
    flood(0, ids.get(0), acked0);
    flood(1, ids.get(1), acked1);

    await().atMost(Duration.ofSeconds(30)).until(() -> metric("rxiothub_gateway_leaves_paused") == 2);
    assertThat(metric("rxiothub_gateway_publishes_pending"))
        .as("the total's worth and one socket read per leaf, not the %d sent", 2 * MESSAGES)
        .isLessThanOrEqualTo(total / PAYLOAD + 2L * ONE_READ);

    valve.onComplete();

    await().atMost(Duration.ofSeconds(60)).until(() -> acked0.size() == MESSAGES && acked1.size() == MESSAGES);
    assertEverythingArrivedInOrder(hub, ids.get(0), 0);
    assertEverythingArrivedInOrder(hub, ids.get(1), 1);
    assertThat(metric("rxiothub_gateway_leaves_paused")).isZero();
  }

  @Test
  void anMqtt5LeafIsToldTheLimitAsItsReceiveMaximum(HubEmulator hub) throws Exception {
    List<DeviceIdentity> ids = start(hub, 1, 8, 64L * 1024 * 1024);
    valve.onComplete();
    Mqtt5BlockingClient leaf = Mqtt5Client.builder().identifier(ids.get(0).deviceId()).serverHost("127.0.0.1")
        .serverPort(gateway.mqttPort()).buildBlocking();
    Mqtt5ConnAck connAck = leaf.connectWith()
        .simpleAuth().username(hub.hostName() + "/" + ids.get(0).deviceId() + "/?api-version=2021-04-12")
        .password("local-0".getBytes(UTF_8)).applySimpleAuth()
        .send();
    try {
      assertThat(connAck.getRestrictions().getReceiveMaximum()).isEqualTo(8);
    } finally {
      leaf.disconnect();
    }
  }

  private List<DeviceIdentity> start(HubEmulator hub, int count, int perLeaf, long totalBytes) throws Exception {
    String run = Long.toString(System.nanoTime(), 36);
    GatewayConfig.Builder config = GatewayConfig.builder()
        .tlsPort(-1)
        .mqttPort(0) // plain MQTT: TLS would only cost time; the gate sits behind TLS the same way
        .hub(hub.hostName(), hub.mqttPort())
        .hubCaFile(hub.caFile())
        .shutdownDrainMillis(500)
        .maxPendingPerLeaf(perLeaf)
        .maxPendingBytes(totalBytes);
    List<DeviceIdentity> ids = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      DeviceIdentity d = HUB.createDevice("bound-" + run + "-" + i);
      ids.add(d);
      config.leaf(LeafDevice.of(d.deviceId(), d.primaryKey(), "local-" + i));
    }
    gateway = GatewayRuntime.start(config.build(), this::stalling);
    return ids;
  }

  /** Sends MESSAGES QoS 1 PUBLISHes at once (MQTT 3.1.1: the client does not limit them), noting each PUBACK. */
  private void flood(int i, DeviceIdentity id, Set<Integer> acked) throws Exception {
    flood(i, id, MqttQos.AT_LEAST_ONCE, acked);
  }

  private void flood(int i, DeviceIdentity id, MqttQos qos, Set<Integer> acked) throws Exception {
    Mqtt3AsyncClient leaf = Mqtt3Client.builder().identifier(id.deviceId()).serverHost("127.0.0.1")
        .serverPort(gateway.mqttPort()).buildAsync();
    leaves.add(leaf);
    leaf.connectWith()
        .keepAlive(600) // a leaf that is not read cannot ping: its keep-alive must outlast the stall
        .simpleAuth().username(HUB.hub().hostName() + "/" + id.deviceId() + "/?api-version=2021-04-12")
        .password(("local-" + i).getBytes(UTF_8)).applySimpleAuth()
        .send().get(30, TimeUnit.SECONDS);
    await().atMost(Duration.ofSeconds(30)).until(() -> HUB.hub().isConnected(id.deviceId()));
    byte[] filler = new byte[PAYLOAD - 8];
    Arrays.fill(filler, (byte) 'x');
    List<CompletableFuture<?>> sends = new ArrayList<>();
    for (int k = 0; k < MESSAGES; k++) {
      int n = k;
      byte[] payload = new byte[PAYLOAD];
      byte[] seq = String.format("%08d", n).getBytes(UTF_8);
      System.arraycopy(seq, 0, payload, 0, 8);
      System.arraycopy(filler, 0, payload, 8, filler.length);
      sends.add(leaf.publishWith()
          .topic("devices/" + id.deviceId() + "/messages/events/%24.mid=b-" + n)
          .qos(qos)
          .payload(payload)
          .send()
          .thenRun(() -> acked.add(n)));
    }
  }

  private static void assertEverythingArrivedInOrder(HubEmulator hub, DeviceIdentity id, int leaf) {
    await().atMost(Duration.ofSeconds(60)).until(() -> hub.telemetry(id.deviceId()).size() >= MESSAGES);
    List<String> mids = hub.telemetry(id.deviceId()).stream()
        .map((TelemetryMessage m) -> m.systemProperties().get("$.mid")).toList();
    assertThat(mids).as("leaf %d: every acknowledged message once, in order", leaf)
        .containsExactlyElementsOf(IntStream.range(0, MESSAGES).mapToObj(k -> "b-" + k).toList());
    assertThat(hub.telemetry(id.deviceId()).get(MESSAGES - 1).payload()).hasSize(PAYLOAD);
  }

  private long metric(String name) {
    for (String line : gateway.metricsText().split("\n")) {
      if (line.startsWith(name + " ")) {
        return Long.parseLong(line.substring(name.length() + 1).trim());
      }
    }
    throw new AssertionError("no metric " + name + " in\n" + gateway.metricsText());
  }

  /** The store, its appends held at the valve until the test opens it; everything else as it is. */
  private ForwardStore stalling(ForwardStore store) {
    return (ForwardStore) Proxy.newProxyInstance(ForwardStore.class.getClassLoader(),
        new Class<?>[] {ForwardStore.class}, (proxy, method, args) -> {
          if (method.getName().equals("append") && args != null && args.length == 2
              && args[1] instanceof ForwardMessage message) {
            String device = (String) args[0];
            return valve.andThen(Single.defer(() -> store.append(device, message)));
          }
          try {
            return method.invoke(store, args);
          } catch (InvocationTargetException e) {
            throw e.getCause();
          }
        });
  }
}
