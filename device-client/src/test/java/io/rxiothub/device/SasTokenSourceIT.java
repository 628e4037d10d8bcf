// sasTokenSource: every CONNECT's token comes from the user's function, renewal reconnects with a fresh one, a bad
// token from it fails that attempt without showing it, and while reconnecting the source is asked again; against
// the hub emulator over MQTT/TLS.
package io.rxiothub.device;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.rxiothub.emulator.DeviceIdentity;
import io.rxiothub.emulator.HubEmulatorExtension;
import io.rxiothub.sas.SasToken;
import io.rxiothub.testing.NoLeaksExtension;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import io.reactivex.rxjava3.disposables.Disposable;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

@ExtendWith(NoLeaksExtension.class)
@Timeout(90)
class SasTokenSourceIT {

  @RegisterExtension
  static final HubEmulatorExtension HUB = new HubEmulatorExtension();

  private static String identityOnly(DeviceIdentity id) {
    String token = SasToken.generate(HUB.hub().hostName() + "/devices/" + id.deviceId(), id.primaryKey(),
        System.currentTimeMillis() / 1000 + 60, null).format();
    return "HostName=" + HUB.hub().hostName() + ";DeviceId=" + id.deviceId() + ";SharedAccessSignature=" + token;
  }

  private static DeviceClient.Builder builder(String connectionString) {
    return DeviceClient.builder().connectionString(connectionString).port(HUB.hub().mqttPort())
        .trustStore(HUB.hub().trustStore()).reconnectBackoff(50, 500);
  }

  @Test
  void everyConnectTakesAFreshTokenFromTheSourceAndRenewalReconnects() {
    DeviceIdentity id = HUB.createDevice("source-1");
    List<String> resources = new CopyOnWriteArrayList<>();
    SasTokenSource source = (resource, now) -> {
      resources.add(resource);
      // 20 s tokens renewed after 15 % of their lifetime: renewals come every 3 s, and a CONNECT delayed by a busy
      // machine still carries a valid token
      return SasToken.generate(resource, id.primaryKey(), now + 20, null).format();
    };
    DeviceClient client = builder(identityOnly(id))
        .sasTokenSource(source).sasTokenRenewalMargin(0.85).build();
    try {
      client.connect().blockingAwait(20, TimeUnit.SECONDS);
      await().atMost(Duration.ofSeconds(40)).until(() -> resources.size() >= 3);
      client.send(Message.builder().payload("{\"t\":1}".getBytes(StandardCharsets.UTF_8)).build())
          .blockingAwait(20, TimeUnit.SECONDS);
      assertThat(resources).allMatch(r -> r.equals(HUB.hub().hostName() + "/devices/source-1"));
      await().atMost(Duration.ofSeconds(10)).until(() -> HUB.hub().telemetry("source-1").size() == 1);
    } finally {
      client.close();
    }
  }

  @Test
  void aTokenForAnotherIdentityFailsTheAttemptWithoutShowingItAndTheNextConnectAsksAgain() {
    DeviceIdentity id = HUB.createDevice("source-2");
    List<Long> calls = new CopyOnWriteArrayList<>();
    SasTokenSource source = (resource, now) -> {
      calls.add(now);
      String which = calls.size() == 1 ? HUB.hub().hostName() + "/devices/someone-else" : resource;
      return SasToken.generate(which, id.primaryKey(), now + 600, null).format();
    };
    DeviceClient client = builder(identityOnly(id))
        .sasTokenSource(source).build();
    try {
      assertThatThrownBy(() -> client.connect().blockingAwait(20, TimeUnit.SECONDS))
          .isInstanceOf(IotHubConnectionException.class).hasMessageContaining("does not cover")
          .hasMessageNotContaining("sig=");
      client.connect().blockingAwait(20, TimeUnit.SECONDS);
      assertThat(calls).hasSize(2);
    } finally {
      client.close();
    }
  }

  static Stream<Arguments> badTokensWhileReconnecting() {
    return Stream.of(
        Arguments.of("a token the hub refuses (signed with another device's key)", "source-4",
            (BadToken) (resource, now, otherKey) -> SasToken.generate(resource, otherKey, now + 600, null).format()),
        Arguments.of("the source throws", "source-5", (BadToken) (resource, now, otherKey) -> {
          throw new IllegalStateException("token server busy");
        }));
  }

  /** What the source does the one time it misbehaves. */
  interface BadToken {
    String token(String resource, long now, String otherKey);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badTokensWhileReconnecting")
  void aBadTokenWhileReconnectingIsRetriedAndTheSourceAskedAgainUntilTheClientConnects(String what, String deviceId,
      BadToken bad) {
    DeviceIdentity id = HUB.createDevice(deviceId);
    String otherKey = HUB.createDevice(deviceId + "-other").primaryKey();
    AtomicBoolean badNext = new AtomicBoolean();
    List<String> issued = new CopyOnWriteArrayList<>();
    AtomicInteger calls = new AtomicInteger();
    SasTokenSource source = (resource, now) -> {
      calls.incrementAndGet();
      String token = badNext.getAndSet(false) ? bad.token(resource, now, otherKey)
          : SasToken.generate(resource, id.primaryKey(), now + 600, null).format();
      issued.add(token);
      return token;
    };
    DeviceClient client = builder(identityOnly(id)).sasTokenSource(source).build();
    List<ConnectionState> states = new CopyOnWriteArrayList<>();
    Disposable watch = client.connectionStates().subscribe(states::add);
    try {
      client.connect().blockingAwait(20, TimeUnit.SECONDS);
      badNext.set(true);
      HUB.hub().dropConnection(deviceId);
      await().atMost(Duration.ofSeconds(30)).until(() -> calls.get() >= 3
          && client.connectionState().status() == ConnectionState.Status.CONNECTED);
      client.send(Message.builder().payload("{\"t\":2}".getBytes(StandardCharsets.UTF_8)).build())
          .blockingAwait(20, TimeUnit.SECONDS);
      assertThat(calls).as("first connect, the bad one, the one asked again").hasValue(3);
      List<ConnectionState> refused = states.stream()
          .filter(s -> s.reason() == ConnectionState.Reason.REFUSED).collect(Collectors.toList());
      assertThat(refused).as("the refused reconnection, reported while reconnecting").hasSize(1)
          .allMatch(s -> s.status() == ConnectionState.Status.RECONNECTING);
      Throwable error = refused.get(0).error();
      assertThat(error).isNotNull();
      assertThat(String.valueOf(error.getMessage())).doesNotContain("sig=");
      for (String token : issued) {
        assertThat(String.valueOf(error)).doesNotContain(token);
      }
    } finally {
      watch.dispose();
      client.close();
    }
  }

  @Test
  void aSourceNeedsAConnectionStringWithoutAKey() {
    DeviceIdentity id = HUB.createDevice("source-3");
    assertThatIllegalStateException().isThrownBy(() -> DeviceClient.builder().connectionString(id.connectionString())
        .sasTokenSource((resource, now) -> "x").build()).withMessageContaining("SharedAccessSignature=");
  }
}
