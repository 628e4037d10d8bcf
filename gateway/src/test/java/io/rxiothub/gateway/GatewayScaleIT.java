// Many leaves on one gateway JVM (issue 20: "1,000 leaves on one gateway JVM"; CI runs 200 here, the 1,000 run
// is benchmarks' GatewayBench, RESULTS.md §16): each leaf's telemetry reaches the hub emulator with its ids, in
// order, and the gateway's threads do not grow with the leaves.
package io.rxiothub.gateway;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt3.Mqtt3AsyncClient;
import com.hivemq.client.mqtt.mqtt3.Mqtt3Client;
import io.rxiothub.emulator.DeviceIdentity;
import io.rxiothub.emulator.HubEmulator;
import io.rxiothub.emulator.HubEmulatorExtension;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

@Timeout(value = 180, unit = TimeUnit.SECONDS)
class GatewayScaleIT {

  @RegisterExtension
  static final HubEmulatorExtension HUB = new HubEmulatorExtension();

  private static final int LEAVES = 200;
  private static final int FIRST = 20;
  private static final int MESSAGES = 3;

  @Test
  void twoHundredLeavesOnOneGatewayEachMessageArrivesInOrderThreadsDoNotGrow(HubEmulator hub) throws Exception {
    long t0 = System.nanoTime();
    String run = Long.toString(System.nanoTime(), 36);
    GatewayConfig.Builder config = GatewayConfig.builder()
        .tlsPort(-1)
        .mqttPort(0) // plain MQTT downstream: the leaves' TLS would only cost the test time; GatewayIT covers TLS
        .hub(hub.hostName(), hub.mqttPort())
        .hubCaFile(hub.caFile())
        .shutdownDrainMillis(500);
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < LEAVES; i++) {
      DeviceIdentity d = HUB.createDevice("scale-" + run + "-" + i);
      ids.add(d.deviceId());
      config.leaf(LeafDevice.of(d.deviceId(), d.primaryKey(), "local-" + i));
    }
    List<Mqtt3AsyncClient> leaves = new ArrayList<>();
    try (Gateway gateway = Gateway.start(config.build())) {
      for (int i = 0; i < LEAVES; i++) {
        leaves.add(Mqtt3Client.builder().identifier(ids.get(i)).serverHost("127.0.0.1")
            .serverPort(gateway.mqttPort()).buildAsync());
      }
      connect(hub, leaves, ids, 0, FIRST);
      int threadsAtFirst = threads();
      connect(hub, leaves, ids, FIRST, LEAVES);
      int threadsAtAll = threads();
      long connected = System.nanoTime();

      List<CompletableFuture<?>> acks = new ArrayList<>();
      for (int k = 0; k < MESSAGES; k++) {
        for (int i = 0; i < LEAVES; i++) {
          acks.add(leaves.get(i).publishWith()
              .topic("devices/" + ids.get(i) + "/messages/events/%24.mid=m-" + k + "&leaf=" + i)
              .qos(MqttQos.AT_LEAST_ONCE).payload(("{\"k\":" + k + "}").getBytes(UTF_8)).send());
        }
      }
      CompletableFuture.allOf(acks.toArray(new CompletableFuture<?>[0])).get(90, TimeUnit.SECONDS);
      await().atMost(Duration.ofSeconds(90)).until(() -> gateway.queuedMessages() == 0
          && ids.stream().allMatch(id -> hub.telemetry(id).size() >= MESSAGES));
      System.out.printf("GatewayScaleIT: %d leaves connected in %.1f s, %d messages through in %.1f s more;"
          + " threads %d at %d leaves, %d at %d%n", LEAVES, (connected - t0) / 1e9, LEAVES * MESSAGES,
          (System.nanoTime() - connected) / 1e9, threadsAtFirst, FIRST, threadsAtAll, LEAVES);

      for (int i = 0; i < LEAVES; i++) {
        int leaf = i;
        assertThat(hub.telemetry(ids.get(i))).as("what the hub got from %s", ids.get(i))
            .extracting(m -> m.systemProperties().get("$.mid"), m -> m.applicationProperties().get("leaf"))
            .containsExactlyElementsOf(IntStream.range(0, MESSAGES)
                .mapToObj(k -> org.assertj.core.groups.Tuple.tuple("m-" + k, Integer.toString(leaf))).toList());
      }
      // one upstream connection per leaf, on shared threads: 180 more leaves (360 more connections in this JVM,
      // downstream and upstream) may add a few threads to lazily grown pools, never one per leaf
      assertThat(threadsAtAll - threadsAtFirst).as("threads added by %d more leaves", LEAVES - FIRST)
          .isLessThanOrEqualTo(8);
    } finally {
      for (Mqtt3AsyncClient leaf : leaves) {
        leaf.disconnect();
      }
    }
  }

  private static void connect(HubEmulator hub, List<Mqtt3AsyncClient> leaves, List<String> ids, int from, int to)
      throws Exception {
    List<CompletableFuture<?>> connects = new ArrayList<>();
    for (int i = from; i < to; i++) {
      connects.add(leaves.get(i).connectWith()
          .simpleAuth().username(hub.hostName() + "/" + ids.get(i) + "/?api-version=2021-04-12")
          .password(("local-" + i).getBytes(UTF_8)).applySimpleAuth()
          .send());
    }
    CompletableFuture.allOf(connects.toArray(new CompletableFuture<?>[0])).get(90, TimeUnit.SECONDS);
    // each leaf's upstream connection, opened when it connected
    await().atMost(Duration.ofSeconds(90))
        .until(() -> ids.subList(from, to).stream().allMatch(hub::isConnected));
  }

  private static int threads() {
    return ManagementFactory.getThreadMXBean().getThreadCount();
  }
}
