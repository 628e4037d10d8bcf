// CONNACK 3 (server unavailable) injected by the emulator's Watson organisation mode: GatewayClient retries it with
// its reconnect backoff on the first connect as on a reconnect, until the give-up time, as DeviceClient does.
package io.rxiothub.watson.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.reactivex.rxjava3.observers.TestObserver;
import io.rxiothub.emulator.watson.WatsonEmulator;
import io.rxiothub.testing.SecretScanner;
import io.rxiothub.transport.TransportState;
import io.rxiothub.transport.TransportState.Reason;
import io.rxiothub.transport.TransportState.Status;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class ConnectRefusalIT {

  /** Longer than any test: a refusal lasts until the test clears it. */
  private static final Duration UNTIL_CLEARED = Duration.ofMinutes(10);

  private WatsonEmulator org;
  private GatewayClient gateway;

  @BeforeEach
  void start() {
    org = WatsonEmulator.builder().orgId("abc123").build();
    org.start();
  }

  @AfterEach
  void stop() {
    if (gateway != null) {
      gateway.close();
    }
    org.close();
  }

  private GatewayClient gateway(String id, Consumer<GatewayClient.Builder> extra) throws Exception {
    String token = org.registerGateway("gw", id);
    SecretScanner.register(token);
    TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    trust.init(org.trustStore());
    GatewayClient.Builder b = GatewayClient.builder().orgId("abc123").typeId("gw").deviceId(id).token(token)
        .host("localhost").port(org.mqttPort()).trustManagerFactory(trust).reconnectDelays(50, 500);
    extra.accept(b);
    gateway = b.build();
    return gateway;
  }

  /** The states that report a CONNECT refused with code 3. */
  private static long refusals(TestObserver<TransportState> states) {
    return states.values().stream().filter(s -> s.error() instanceof WatsonException
        && ((WatsonException) s.error()).kind() == WatsonException.Kind.REFUSED
        && ((WatsonException) s.error()).returnCode() == 3).count();
  }

  private static Status status(TestObserver<TransportState> states) {
    return states.values().get(states.values().size() - 1).status();
  }

  @Test
  void aFirstConnectRefusedAsServerUnavailableIsRetriedUntilThePlatformAccepts() throws Exception {
    GatewayClient gw = gateway("gw-first", b -> { });
    org.refuseConnects(gw.clientId(), UNTIL_CLEARED, 3);
    TestObserver<TransportState> states = gw.connectionStates().test();
    TestObserver<Void> connect = gw.connect().test();

    await().atMost(Duration.ofSeconds(20))
        .until(() -> refusals(states) >= 2 || status(states) == Status.DISCONNECTED);
    connect.assertNoErrors().assertNotComplete();
    org.refuseConnects(gw.clientId(), Duration.ZERO, 0); // cleared

    assertThat(connect.await(20, TimeUnit.SECONDS)).as("connect() ended").isTrue();
    connect.assertComplete();
    TransportState refused = states.values().stream().filter(s -> s.error() != null).findFirst().orElseThrow();
    assertThat(refused.status()).isEqualTo(Status.CONNECTING);
    assertThat(refused.reason()).isEqualTo(Reason.NETWORK_LOST);
    assertThat(refused.error()).hasMessageContaining("CONNACK return code 3 (server unavailable");
    assertThat(((WatsonException) refused.error()).isRetryable()).isTrue();
  }

  @Test
  void aFirstConnectStillRefusedAsServerUnavailableAtTheGiveUpTimeFails() throws Exception {
    GatewayClient gw = gateway("gw-give-up", b -> b.reconnectGiveUpMillis(1_500));
    org.refuseConnects(gw.clientId(), UNTIL_CLEARED, 3);
    TestObserver<TransportState> states = gw.connectionStates().test();
    TestObserver<Void> connect = gw.connect().test();

    assertThat(connect.await(30, TimeUnit.SECONDS)).as("connect() ended").isTrue();
    connect.assertError(e -> e instanceof WatsonException
        && ((WatsonException) e).kind() == WatsonException.Kind.CONNECTION
        && e.getMessage().startsWith("Gave up connecting")
        && e.getCause() instanceof WatsonException && ((WatsonException) e.getCause()).returnCode() == 3);
    assertThat(refusals(states)).as("refusals reported (the last one in the give-up)").isGreaterThan(1);
    await().atMost(Duration.ofSeconds(5)).until(() -> status(states) == Status.DISCONNECTED);
    assertThat(states.values().get(states.values().size() - 1).reason()).isEqualTo(Reason.RETRY_EXPIRED);
  }

  @Test
  void aReconnectRefusedAsServerUnavailableIsRetriedUntilThePlatformAccepts() throws Exception {
    GatewayClient gw = gateway("gw-reconnect", b -> { });
    assertThat(gw.connect().blockingAwait(20, TimeUnit.SECONDS)).as("connected").isTrue();
    TestObserver<TransportState> states = gw.connectionStates().test();
    org.refuseConnects(gw.clientId(), UNTIL_CLEARED, 3);
    assertThat(org.killTcp(gw.clientId())).isTrue();

    await().atMost(Duration.ofSeconds(20))
        .until(() -> refusals(states) >= 2 || status(states) == Status.DISCONNECTED);
    assertThat(status(states)).isEqualTo(Status.RECONNECTING);
    org.refuseConnects(gw.clientId(), Duration.ZERO, 0); // cleared

    await().atMost(Duration.ofSeconds(20)).until(() -> status(states) == Status.CONNECTED);
    assertThat(states.values()).extracting(TransportState::status).doesNotContain(Status.DISCONNECTED);
  }
}
