// The hub's parts wired by HubCore, driven through broker events against a fake BrokerLink (a seam we own): C2D,
// twin and method round trips and token expiry, without a broker.
package io.rxiothub.emulator.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.reactivex.rxjava3.observers.TestObserver;
import io.rxiothub.emulator.CloudToDeviceMessage.State;
import io.rxiothub.emulator.MethodResult;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class HubCoreTest {

  private static final Instant NOW = Instant.parse("2030-01-01T00:00:00Z");
  private static final long LATER = NOW.plus(Duration.ofHours(1)).getEpochSecond();
  private static final Identity DEV = new Identity("dev1", null);

  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
  private final HubCore core = new HubCore("hub.localhost", Clock.fixed(NOW, ZoneOffset.UTC), timer, 10);
  private final RecordingBroker broker = new RecordingBroker(null);

  @BeforeEach
  void connectDevice() {
    core.registry().create("dev1", null, null, null);
    core.attach(broker);
    core.connected(DEV, core.newConnectionId(), false, LATER);
  }

  @AfterEach
  void stopTimer() {
    timer.shutdownNow();
  }

  @Test
  void aC2dMessageIsDeliveredToASubscribedDeviceAndCompletedByItsPuback() {
    core.subscribed(DEV, "devices/dev1/messages/devicebound/#", 1);
    C2dEntry entry = core.sendCloudToDevice("dev1", new byte[] {1}, Map.of("$.mid", "m1"), Duration.ofMinutes(1));
    String topic = "devices/dev1/messages/devicebound/%24.mid=m1&%24.to=%2Fdevices%2Fdev1%2Fmessages%2Fdevicebound";
    assertThat(broker.topics).containsExactly("dev1 " + topic);
    assertThat(entry.state()).isEqualTo(State.DELIVERED);
    core.outboundPublish(DEV, topic, 7);
    core.puback(DEV, 7);
    assertThat(entry.state()).isEqualTo(State.COMPLETED);
    assertThat(core.c2d().pending()).isEmpty();
  }

  @Test
  void aC2dMessageInFlightGoesBackToTheQueueWhenACleanSessionEnds() {
    String connection = core.newConnectionId();
    core.connected(DEV, connection, false, LATER);
    core.subscribed(DEV, "devices/dev1/messages/devicebound/#", 1);
    C2dEntry entry = core.sendCloudToDevice("dev1", new byte[0], Map.of(), Duration.ofMinutes(1));
    core.disconnected(DEV, connection, false, null);
    assertThat(entry.state()).isEqualTo(State.QUEUED);
    assertThat(core.c2d().pending()).containsExactly(entry);
  }

  @Test
  void aTwinGetIsAnsweredWithTheRidAsSent() {
    core.subscribed(DEV, "$iothub/twin/res/#", 1);
    core.onPublish(DEV, "$iothub/twin/GET/?$rid=a%2Fb", new byte[0], false);
    assertThat(broker.topics).containsExactly("dev1 $iothub/twin/res/200/?$rid=a%2Fb");
    assertThat(new String(broker.payloads.get(0), StandardCharsets.UTF_8))
        .isEqualTo("{\"desired\":{\"$version\":1},\"reported\":{\"$version\":1}}");
  }

  @Test
  void aReportedPatchGetsItsNewVersionAndAnInjectedFailureLeavesTheTwinAlone() {
    core.faults().failTwinRequests("dev1", 429, 1);
    core.onPublish(DEV, "$iothub/twin/PATCH/properties/reported/?$rid=1", "{\"a\":1}".getBytes(), false);
    core.onPublish(DEV, "$iothub/twin/PATCH/properties/reported/?$rid=2", "{\"a\":2}".getBytes(), false);
    assertThat(broker.topics).containsExactly("dev1 $iothub/twin/res/429/?$rid=1",
        "dev1 $iothub/twin/res/204/?$rid=2&$version=2");
    assertThat(core.twin(DEV)).contains("\"reported\":{\"a\":2,\"$version\":2}");
  }

  @Test
  void aMethodCallIsAnsweredByTheResponseWithItsRid() {
    core.subscribed(DEV, "$iothub/methods/POST/#", 0);
    TestObserver<MethodResult> call = core.invokeMethod(DEV, "reboot", "{}", Duration.ofMinutes(1)).test();
    assertThat(broker.topics).singleElement().asString().startsWith("dev1 $iothub/methods/POST/reboot/?$rid=");
    String rid = broker.topics.get(0).substring(broker.topics.get(0).indexOf("$rid=") + 5);
    core.onPublish(DEV, "$iothub/methods/res/201/?$rid=" + rid, "{\"ok\":true}".getBytes(), false);
    call.assertValue(MethodResult.of(201, "{\"ok\":true}"));
  }

  @Test
  void aMethodCallToADeviceNotSubscribedIs404() {
    core.invokeMethod(DEV, "reboot", null, Duration.ofMinutes(1)).test()
        .assertValue(result -> result.status() == 404);
    assertThat(broker.topics).isEmpty();
  }

  @Test
  void theConnectionIsClosedWhenItsTokenExpiresByTheClock() {
    core.connected(DEV, core.newConnectionId(), false, NOW.getEpochSecond());
    await().atMost(Duration.ofSeconds(5)).until(() -> broker.disconnected.contains("dev1"));
    assertThat(core.acceptedConnections("dev1")).isEqualTo(2);
  }

  @Test
  void deletingADeviceClosesItsConnectionAndExpiresItsQueue() {
    C2dEntry entry = core.sendCloudToDevice("dev1", new byte[0], Map.of(), Duration.ofMinutes(1));
    core.registry().delete(DEV);
    assertThat(broker.disconnected).containsExactly("dev1");
    assertThat(entry.state()).isEqualTo(State.EXPIRED);
    assertThat(core.isConnected(DEV)).isFalse();
  }
}
