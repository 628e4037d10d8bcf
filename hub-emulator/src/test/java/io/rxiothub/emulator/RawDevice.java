// Test helper: a raw MQTT 3.1.1 device (HiveMQ client) speaking IoT Hub's dialect by hand against the emulator.
package io.rxiothub.emulator;

import com.hivemq.client.mqtt.MqttClientSslConfig;
import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt3.Mqtt3BlockingClient;
import com.hivemq.client.mqtt.mqtt3.Mqtt3Client;
import com.hivemq.client.mqtt.mqtt3.Mqtt3ClientBuilder;
import com.hivemq.client.mqtt.mqtt3.message.connect.connack.Mqtt3ConnAck;
import com.hivemq.client.mqtt.mqtt3.message.publish.Mqtt3Publish;
import io.rxiothub.sas.SasToken;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.TrustManagerFactory;

/** Builds raw HiveMQ MQTT 3.1.1 clients for an emulator identity. */
final class RawDevice {

  private RawDevice() {}

  /** A client for {@code identity} over TLS (not connected). */
  static Mqtt3BlockingClient client(HubEmulator hub, DeviceIdentity identity) {
    return builder(hub, identity.clientId()).buildBlocking();
  }

  /** A builder for a client id over TLS to the emulator (no credentials). */
  static Mqtt3ClientBuilder builder(HubEmulator hub, String clientId) {
    return Mqtt3Client.builder()
        .identifier(clientId)
        .serverHost("127.0.0.1")
        .serverPort(hub.mqttPort())
        .sslConfig(ssl(hub));
  }

  static MqttClientSslConfig ssl(HubEmulator hub) {
    try {
      KeyStore trust = hub.trustStore();
      TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      factory.init(trust);
      return MqttClientSslConfig.builder()
          .trustManagerFactory(factory)
          .hostnameVerifier((host, session) -> true)
          .build();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** The user name IoT Hub expects. */
  static String userName(HubEmulator hub, DeviceIdentity identity) {
    return hub.hostName() + "/" + identity.clientId() + "/?api-version=2021-04-12";
  }

  /** A SAS token signed with the identity's primary key, valid for an hour. */
  static String token(HubEmulator hub, DeviceIdentity identity) {
    return token(hub, identity, Instant.now().getEpochSecond() + 3600);
  }

  static String token(HubEmulator hub, DeviceIdentity identity, long expiry) {
    String resource = hub.hostName() + "/devices/" + identity.deviceId()
        + (identity.moduleId() == null ? "" : "/modules/" + identity.moduleId());
    return SasToken.generate(resource, identity.primaryKey(), expiry, null).format();
  }

  /** Connects with a valid token and a persistent session. */
  static Mqtt3ConnAck connect(Mqtt3BlockingClient client, HubEmulator hub, DeviceIdentity identity) {
    return connect(client, hub, identity, false);
  }

  /**
   * Connects with a valid token. With a clean session the client fails unacknowledged publishes when the
   * connection closes (with a persistent one it keeps them for redelivery).
   */
  static Mqtt3ConnAck connect(Mqtt3BlockingClient client, HubEmulator hub, DeviceIdentity identity,
      boolean cleanSession) {
    return client.connectWith()
        .cleanSession(cleanSession)
        .simpleAuth()
        .username(userName(hub, identity))
        .password(token(hub, identity).getBytes(StandardCharsets.UTF_8))
        .applySimpleAuth()
        .send();
  }

  /** Receives every publish for the client (call before subscribing). */
  static Mqtt3BlockingClient.Mqtt3Publishes publishes(Mqtt3BlockingClient client) {
    return client.publishes(MqttGlobalPublishFilter.ALL);
  }

  static Mqtt3Publish receive(Mqtt3BlockingClient.Mqtt3Publishes publishes) throws InterruptedException {
    return publishes.receive(10, TimeUnit.SECONDS)
        .orElseThrow(() -> new AssertionError("no PUBLISH from the hub within 10 s"));
  }

  static MqttQos qos1() {
    return MqttQos.AT_LEAST_ONCE;
  }
}
