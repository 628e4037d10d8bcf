// Issue 9, secrets: the errors and states of failed operations (refused key, expired token, closed client,
// bad connection strings) and the toString of every value never show a key, signature or token.
package io.rxiothub.device.robustness;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.reactivex.rxjava3.observers.TestObserver;
import io.rxiothub.device.ConnectionState;
import io.rxiothub.device.ConnectionState.Status;
import io.rxiothub.device.DeviceClient;
import io.rxiothub.device.Message;
import io.rxiothub.emulator.DeviceIdentity;
import io.rxiothub.emulator.HubEmulatorExtension;
import io.rxiothub.sas.ConnectionString;
import io.rxiothub.testing.NoLeaksExtension;
import io.rxiothub.testing.SecretScanner;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

@ExtendWith(NoLeaksExtension.class)
class SecretsInFailuresIT {

  @RegisterExtension
  static final HubEmulatorExtension HUB = new HubEmulatorExtension();

  final List<String> shown = new ArrayList<>();

  void collect(Throwable error) {
    if (error != null) {
      shown.add(SecretScanner.textOf(error));
    }
  }

  void collect(TestObserver<?> observer) {
    observer.awaitDone(30, TimeUnit.SECONDS);
    observer.assertError(e -> {
      collect(e);
      return true;
    });
  }

  void collect(DeviceClient client, TestObserver<ConnectionState> states) {
    shown.add(client.toString());
    for (ConnectionState s : states.values()) {
      shown.add(s.toString());
      collect(s.error());
    }
  }

  @Test
  @Timeout(90)
  void failuresAndValuesShowNoSecret() {
    DeviceIdentity id = HUB.createDevice(RobustClients.newId("secrets"));
    SecretScanner.register(id.primaryKey());
    SecretScanner.register(id.secondaryKey());
    ConnectionString good = ConnectionString.parse(id.connectionString());

    // Refused: a wrong key.
    String wrongKey = good.toBuilder().sharedAccessKey(SecretScanner.TEST_KEY).build().format();
    try (DeviceClient client = RobustClients.device(HUB.hub(), id).connectionString(wrongKey)
        .build()) {
      TestObserver<ConnectionState> states = client.connectionStates().test();
      collect(client.connect().test());
      collect(client.send(Message.builder().messageId("x").build()).test());
      collect(client, states);
    }

    // A fixed token that expires while connected, then a connect with it.
    long expiry = System.currentTimeMillis() / 1000 + 2;
    String token = good.newSasToken(expiry).format();
    String fixed = ConnectionString.builder().hostName(good.hostName()).deviceId(good.deviceId())
        .sharedAccessSignature(good.newSasToken(expiry)).build().format();
    SecretScanner.register(token.substring(token.indexOf("sig=") + 4, token.indexOf("sig=") + 30));
    try (DeviceClient client = RobustClients.device(HUB.hub(), id).connectionString(fixed).build()) {
      TestObserver<ConnectionState> states = client.connectionStates().test();
      client.connect().blockingAwait(20, TimeUnit.SECONDS);
      await().atMost(Duration.ofSeconds(20))
          .until(() -> client.connectionState().status() == Status.DISCONNECTED);
      collect(client.connect().test());
      collect(client.twin().get().test());
      collect(client, states);
    }

    // A closed client; builder and parser errors on strings that hold keys.
    DeviceClient closed = RobustClients.device(HUB.hub(), id).build();
    closed.close();
    collect(closed.connect().test());
    collect(closed.send(Message.of(new byte[1])).test());
    shown.add(closed.toString());
    for (String bad : new String[] {
        id.connectionString() + ";Foo=" + id.primaryKey(),
        id.connectionString().replace("SharedAccessKey=", "SharedAccessKey"),
        id.connectionString().replace("SharedAccessKey=", "SharedAccessKey=%"),
        fixed.replace("&se=", "&&se="), fixed + "&x=1", id.connectionString() + ";x509=true"}) {
      try {
        DeviceClient.builder().connectionString(bad).build().close();
      } catch (RuntimeException e) {
        collect(e);
      }
    }
    shown.add(good.toString());
    shown.add(ConnectionString.parse(fixed).toString());

    assertThat(shown).hasSizeGreaterThan(15);
    for (String text : shown) {
      assertThat(SecretScanner.find(text)).as("secrets in: %s", text.length() > 200
          ? text.substring(0, 200) : text).isEmpty();
    }
  }
}
