// Chaos suite: each fault of the hub emulator, injected while a device streams telemetry and receives C2D and
// desired updates; ChaosRun checks the reliability invariants (docs/reliability.md).
package io.rxiothub.device.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import io.reactivex.rxjava3.observers.TestObserver;
import io.rxiothub.device.ConnectionState.Status;
import io.rxiothub.device.IotHubTimeoutException;
import io.rxiothub.device.Message;
import io.rxiothub.device.Transport;
import io.rxiothub.emulator.HubEmulatorExtension;
import io.rxiothub.testing.NoLeaksExtension;
import io.rxiothub.twin.TwinPatch;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@ExtendWith(NoLeaksExtension.class)
class FaultChaosIT {

  @RegisterExtension
  static final HubEmulatorExtension HUB = new HubEmulatorExtension(b -> b.telemetryRetention(100_000));

  private static final AtomicInteger IDS = new AtomicInteger();
  private static final int MESSAGES = 1_000;
  private static final int WINDOW = 200;

  static ChaosRun run(String name) {
    return new ChaosRun(HUB.hub(), HUB.createDevice("chaos-" + name + "-" + IDS.incrementAndGet()), MESSAGES,
        WINDOW);
  }

  /** Sends the official suites' fault request with a short expiry, as they do; returns its outcome. */
  static TestObserver<Void> requestFault(ChaosRun run, String type, String reason, int delay, int duration) {
    Message request = Message.builder()
        .property("AzIoTHub_FaultOperationType", type)
        .property("AzIoTHub_FaultOperationCloseReason", reason)
        .property("AzIoTHub_FaultOperationDelayInSecs", Integer.toString(delay))
        .property("AzIoTHub_FaultOperationDurationInSecs", Integer.toString(duration))
        .expiryEpochMillis(System.currentTimeMillis() + 1_000)
        .build();
    return run.client().send(request).test();
  }

  static void assertDisconnected(ChaosRun run) {
    assertThat(run.reconnects).as("connections lost and reported").isGreaterThanOrEqualTo(1);
  }

  @ParameterizedTest
  @ValueSource(strings = {"KillTcp", "ShutDownMqtt", "InvokeThrottling", "InvokeMaxMessageQuota", "InvokeAuthError"})
  @Timeout(120)
  void faultRequestedThroughD2c(String type) throws Exception {
    List<TestObserver<Void>> requests = new ArrayList<>();
    ChaosRun run = run(type.toLowerCase())
        .at(MESSAGES / 3, r -> requests.add(requestFault(r, type, type.equals("KillTcp") ? "boom" : "byebye", 0,
            1)))
        .runAndCheck();
    assertDisconnected(run);
    // Never acknowledged by the hub: it ends by its expiry and is not resent after that.
    requests.get(0).awaitDone(30, TimeUnit.SECONDS).assertError(IotHubTimeoutException.class);
  }

  @Test
  @Timeout(120)
  void killTcp() throws Exception {
    assertDisconnected(run("kill").at(MESSAGES / 3, r -> r.hub.faults().killTcp(r.id)).runAndCheck());
  }

  @Test
  @Timeout(120)
  void killTcpOverWebSocket() throws Exception {
    assertDisconnected(run("kill-ws")
        .options(b -> b.transport(Transport.MQTT_WS).port(HUB.hub().webSocketPort()))
        .at(MESSAGES / 3, r -> r.hub.faults().killTcp(r.id))
        .runAndCheck());
  }

  @Test
  @Timeout(120)
  void shutDownMqtt() throws Exception {
    assertDisconnected(run("shutdown").at(MESSAGES / 3, r -> r.hub.faults().shutDownMqtt(r.id)).runAndCheck());
  }

  @Test
  @Timeout(120)
  void connectsRefusedForAWhileAfterALostConnection() throws Exception {
    ChaosRun run = run("refuse").at(MESSAGES / 3, r -> {
      r.hub.faults().refuseConnects(r.id, Duration.ofSeconds(2));
      r.hub.faults().killTcp(r.id);
    }).runAndCheck();
    assertDisconnected(run);
    // Refused attempts are reported too: more than one RECONNECTING for one loss.
    assertThat(run.states.stream().filter(s -> s.status() == Status.RECONNECTING).count()).isGreaterThan(1);
  }

  @Test
  @Timeout(120)
  void droppedPubacksAreResentAfterTheNextReconnect() throws Exception {
    ChaosRun run = run("drop-puback")
        .at(MESSAGES / 4, r -> r.hub.faults().dropPubacks(r.id, 50))
        .at(MESSAGES / 2, r -> r.hub.faults().killTcp(r.id))
        .runAndCheck();
    assertDisconnected(run);
    assertThat(run.duplicates).as("messages whose PUBACK was dropped are sent again").isGreaterThanOrEqualTo(50);
  }

  @Test
  @Timeout(120)
  void delayedPubacks() throws Exception {
    ChaosRun run = run("delay-puback")
        .at(MESSAGES / 4, r -> r.hub.faults().delayPubacks(r.id, Duration.ofMillis(300)))
        .at(MESSAGES * 3 / 4, r -> r.hub.faults().delayPubacks(r.id, Duration.ZERO))
        .runAndCheck();
    assertThat(run.reconnects).isZero();
    assertThat(run.duplicates).isZero();
  }

  @Test
  @Timeout(120)
  void twinRequestsAnswered429And500AreRetried() throws Exception {
    List<TestObserver<Long>> reported = new ArrayList<>();
    ChaosRun run = run("twin-fail")
        .at(MESSAGES / 4, r -> {
          r.hub.faults().failTwinRequests(r.id, 429, 2);
          reported.add(r.client().twin().updateReported(TwinPatch.builder().put("a", 1).build()).test());
        })
        .at(MESSAGES / 2, r -> {
          r.hub.faults().failTwinRequests(r.id, 500, 2);
          reported.add(r.client().twin().updateReported(TwinPatch.builder().put("b", 2).build()).test());
        })
        // The retries may outlast the message stream: wait for them before the run closes the client.
        .beforeChecks(r -> reported.forEach(patch -> patch.awaitDone(60, TimeUnit.SECONDS)))
        .runAndCheck();
    for (TestObserver<Long> patch : reported) {
      patch.assertComplete();
    }
    assertThat(run.hub.twin(run.id).blockingGet()).contains("\"a\":1").contains("\"b\":2");
  }

  @Test
  @Timeout(120)
  void networkPartitionWithoutFinIsDetectedByKeepAliveAndHealed() throws Exception {
    ChaosRun run = run("partition").options(b -> b.keepAliveSeconds(1).connectTimeoutMillis(1_000));
    AtomicInteger lostReports = new AtomicInteger();
    run.at(MESSAGES / 3, r -> {
      r.hub.faults().partition(r.id);
      // Heal once the client has noticed (keep-alive) and one reconnect attempt has failed in the blackhole.
      r.client().connectionStates()
          .filter(s -> s.status() == Status.RECONNECTING)
          .take(2)
          .doOnNext(s -> lostReports.incrementAndGet())
          .ignoreElements()
          .subscribe(() -> r.hub.faults().heal(r.id));
    });
    run.runAndCheck();
    assertDisconnected(run);
    assertThat(lostReports).hasValue(2);
  }

  @Test
  @Timeout(120)
  void brokerOutage() throws Exception {
    List<TestObserver<Void>> outage = new ArrayList<>();
    ChaosRun run = run("outage")
        .at(MESSAGES / 3, r -> outage.add(r.hub.faults().brokerOutage(Duration.ofSeconds(1)).test()))
        .runAndCheck();
    outage.get(0).awaitDone(30, TimeUnit.SECONDS).assertComplete();
    assertDisconnected(run);
  }

  @Test
  @Timeout(120)
  void brokerRestart() throws Exception {
    assertDisconnected(run("restart").at(MESSAGES / 3, r -> r.hub.faults().restartBroker()).runAndCheck());
  }
}
