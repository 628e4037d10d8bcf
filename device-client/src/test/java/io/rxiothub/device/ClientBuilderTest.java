// Builder validation and the exact CONNECT fields of protocol.md §3.
package io.rxiothub.device;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.reactivex.rxjava3.schedulers.Schedulers;
import io.reactivex.rxjava3.schedulers.TestScheduler;
import io.rxiothub.device.internal.ClientFactory;
import io.rxiothub.device.internal.ClientParts;
import io.rxiothub.transport.internal.MqttConnector;
import io.rxiothub.device.internal.Version;
import io.rxiothub.sas.SasToken;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import org.junit.jupiter.api.Test;

class ClientBuilderTest {

  static final String KEY = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";
  static final String DEVICE = "HostName=hub.example.net;DeviceId=dev1;SharedAccessKey=" + KEY;
  static final String MODULE =
      "HostName=hub.example.net;DeviceId=dev1;ModuleId=mod1;SharedAccessKey=" + KEY;

  final TestScheduler scheduler = new TestScheduler();
  final List<MqttConnector.ConnectRequest> requests = new ArrayList<>();
  final MqttConnector recorder = (request, listener, callback) -> {
    requests.add(request);
    return () -> { };
  };

  MqttConnector.ConnectRequest firstConnect(ClientBuilder<?> builder, boolean module) {
    ClientParts assembly = ClientFactory.create(builder.callbackScheduler(scheduler)
        .timeScheduler(scheduler).settings(), module, recorder);
    try {
      assembly.core.connect().test();
      scheduler.triggerActions();
      return requests.get(0);
    } finally {
      assembly.core.close();
    }
  }

  @Test
  void deviceConnectIsExactlyAsProtocolMdSays() {
    MqttConnector.ConnectRequest r = firstConnect(DeviceClient.builder().connectionString(DEVICE),
        false);
    assertThat(r.clientId()).isEqualTo("dev1");
    assertThat(r.username()).isEqualTo("hub.example.net/dev1/?api-version=2021-04-12"
        + "&DeviceClientType=rxiothub%2F" + Version.VERSION);
    assertThat(Version.VERSION).isNotEqualTo("unknown");
    assertThat(r.cleanSession()).isFalse();
    assertThat(r.keepAliveSeconds()).isEqualTo(230);
    SasToken token = SasToken.parse(new String(r.password(), StandardCharsets.UTF_8));
    assertThat(token.verify(KEY)).isTrue();
    assertThat(token.resourceUri()).isEqualTo("hub.example.net/devices/dev1");
    assertThat(r.toString()).doesNotContain(token.format()).contains("<redacted>");
  }

  @Test
  void moduleConnectUsesTheModuleIdentityModelIdAndProductInfo() {
    MqttConnector.ConnectRequest r = firstConnect(ModuleClient.builder().connectionString(MODULE)
        .modelId("dtmi:com:example:Thermostat;1").productInfo("(demo 1)").keepAliveSeconds(60),
        true);
    assertThat(r.clientId()).isEqualTo("dev1/mod1");
    assertThat(r.username()).isEqualTo("hub.example.net/dev1/mod1/?api-version=2021-04-12"
        + "&DeviceClientType=rxiothub%2F" + Version.VERSION + "%20%28demo%201%29"
        + "&model-id=dtmi%3Acom%3Aexample%3AThermostat%3B1");
    assertThat(r.keepAliveSeconds()).isEqualTo(60);
    assertThat(SasToken.parse(new String(r.password(), StandardCharsets.UTF_8)).resourceUri())
        .isEqualTo("hub.example.net/devices/dev1/modules/mod1");
  }

  @Test
  void idsThatMqttCannotCarryAreRejectedWithTheRule() {
    assertThatThrownBy(() -> DeviceClient.builder().connectionString(
        "HostName=h.example;DeviceId=a+b;SharedAccessKey=" + KEY))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("DeviceId 'a+b'").hasMessageContaining("MQTT 3.1.1 §4.7");
    assertThatThrownBy(() -> ModuleClient.builder().connectionString(
        "HostName=h.example;DeviceId=a;ModuleId=m#1;SharedAccessKey=" + KEY))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("ModuleId 'm#1'");
  }

  @Test
  void badOptionsAreRejectedAtOnceNamingTheOption() {
    assertThatThrownBy(() -> DeviceClient.builder().keepAliveSeconds(1178))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("keepAliveSeconds");
    assertThatThrownBy(() -> DeviceClient.builder().port(0))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("port");
    assertThatThrownBy(() -> DeviceClient.builder().sasTokenRenewalMargin(1.0))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("sasTokenRenewalMargin");
    assertThatThrownBy(() -> DeviceClient.builder().offlineQueue(0, OverflowPolicy.FAIL))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("capacity");
    assertThatThrownBy(() -> DeviceClient.builder().connectionString("HostName=h;DeviceId=d"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageNotContaining(KEY);
  }

  @Test
  void aTimeSchedulerThatRunsTasksOnTheCallingThreadIsRejectedAtOnce() {
    // The client arms its timers mid-transition: the trampoline would run them there (and sleep for their delay).
    assertThatThrownBy(() -> DeviceClient.builder().timeScheduler(Schedulers.trampoline()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("timeScheduler must not run tasks on the calling thread");
    assertThatThrownBy(() -> ModuleClient.builder().timeScheduler(Schedulers.trampoline()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("timeScheduler must not run tasks on the calling thread");
    assertThatThrownBy(() -> ProvisioningClient.builder().timeScheduler(Schedulers.trampoline()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("timeScheduler must not run tasks on the calling thread");
    assertThat(DeviceClient.builder().timeScheduler(scheduler)).isNotNull();
  }

  @Test
  void missingOrConflictingSettingsFailAtBuild() {
    assertThatThrownBy(() -> DeviceClient.builder().build())
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("connectionString");
    assertThatThrownBy(() -> DeviceClient.builder().connectionString(MODULE).build())
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("ModuleClient");
    assertThatThrownBy(() -> ModuleClient.builder().connectionString(DEVICE).build())
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("ModuleId");
    assertThatThrownBy(() -> DeviceClient.builder()
        .connectionString("HostName=h.example;DeviceId=d;x509=true").build())
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("keyManagerFactory")
        .hasMessageContaining("clientCertificate(").hasMessageContaining("clientCertificatePem");
    assertThatThrownBy(() -> DeviceClient.builder().connectionString(DEVICE)
        .httpProxy("proxy", 3128).build())
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("MQTT_WS");
  }

  static final String X509 = "HostName=hub.example.net;DeviceId=dev1;x509=true";

  static KeyManagerFactory emptyKeyManagerFactory() throws Exception {
    KeyStore store = KeyStore.getInstance("PKCS12");
    store.load(null, null);
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(store, new char[0]);
    return kmf;
  }

  @Test
  void aKeyManagerFactoryMakesAnX509ClientThatSendsNoPassword() throws Exception {
    MqttConnector.ConnectRequest r = firstConnect(DeviceClient.builder().connectionString(X509)
        .keyManagerFactory(emptyKeyManagerFactory()), false);
    assertThat(r.clientId()).isEqualTo("dev1");
    assertThat(r.username()).startsWith("hub.example.net/dev1/?api-version=2021-04-12");
    assertThat(r.password()).isNull();
    assertThatThrownBy(() -> DeviceClient.builder().keyManagerFactory(null))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("keyManagerFactory");
  }

  @Test
  void settingTheSameClientCertificateOptionTwiceIsNoConflict() throws Exception {
    MqttConnector.ConnectRequest r = firstConnect(DeviceClient.builder().connectionString(X509)
        .keyManagerFactory(emptyKeyManagerFactory()).keyManagerFactory(emptyKeyManagerFactory()),
        false);
    assertThat(r.password()).isNull();
  }

  @Test
  void twoClientCertificateSourcesFailAtBuildNamingBoth() throws Exception {
    KeyPair keys = TestCertificates.keys();
    X509Certificate cert = TestCertificates.certificate("CN=dev1", keys, "CN=dev1", keys, false);
    assertThatThrownBy(() -> DeviceClient.builder().connectionString(X509)
        .clientCertificate(keys.getPrivate(), cert).keyManagerFactory(emptyKeyManagerFactory())
        .build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("clientCertificate(...) and keyManagerFactory(...)")
        .hasMessageContaining("keep exactly one");
    assertThatThrownBy(() -> ModuleClient.builder()
        .connectionString("HostName=hub.example.net;DeviceId=dev1;ModuleId=m;x509=true")
        .keyManagerFactory(emptyKeyManagerFactory()).clientCertificate(keys.getPrivate(), cert)
        .build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("keyManagerFactory(...) and clientCertificate(...)");
  }

  @Test
  void aClientCertificateWithASasConnectionStringFailsAtBuild() throws Exception {
    assertThatThrownBy(() -> DeviceClient.builder().connectionString(DEVICE)
        .keyManagerFactory(emptyKeyManagerFactory()).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("keyManagerFactory(...)").hasMessageContaining("SharedAccessKey")
        .hasMessageContaining("x509=true").hasMessageNotContaining(KEY);
    String token = SasToken.generate("hub.example.net/devices/dev1", KEY, 4_000_000_000L, null)
        .format();
    KeyPair keys = TestCertificates.keys();
    X509Certificate cert = TestCertificates.certificate("CN=dev1", keys, "CN=dev1", keys, false);
    assertThatThrownBy(() -> DeviceClient.builder()
        .connectionString("HostName=hub.example.net;DeviceId=dev1;SharedAccessSignature=" + token)
        .clientCertificate(keys.getPrivate(), cert).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("clientCertificate(...)").hasMessageContaining("SharedAccessSignature")
        .hasMessageNotContaining(token);
  }

  @Test
  void oversizedMessagesAreRejectedBeforeSendingAndTheClientStaysUsable() {
    try (DeviceClient client = DeviceClient.builder().connectionString(DEVICE)
        .callbackScheduler(scheduler).timeScheduler(scheduler).build()) {
      Message big = Message.of(new byte[256 * 1024]);
      assertThatThrownBy(() -> client.send(big)).isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("at most 262144");
      Message fits = Message.of(new byte[256 * 1024 - 4]);
      assertThat(client.send(fits)).isNotNull();
      assertThat(client.connectionState().status()).isEqualTo(ConnectionState.Status.DISCONNECTED);
    }
  }
}
