// CONNECT rules of the emulator (protocol.md §3, §9), each refusal with its CONNACK code, against a raw client.
package io.rxiothub.emulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.hivemq.client.mqtt.mqtt3.Mqtt3BlockingClient;
import com.hivemq.client.mqtt.mqtt3.exceptions.Mqtt3ConnAckException;
import com.hivemq.client.mqtt.mqtt3.message.connect.connack.Mqtt3ConnAckReturnCode;
import com.hivemq.client.mqtt.mqtt5.Mqtt5Client;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5ConnAckException;
import com.hivemq.client.mqtt.mqtt5.message.connect.connack.Mqtt5ConnAckReasonCode;
import io.rxiothub.sas.SasToken;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

@Timeout(60)
class ConnectRulesIT {

  @RegisterExtension
  static final HubEmulatorExtension HUB = new HubEmulatorExtension();

  private static Mqtt3ConnAckReturnCode refusal(String clientId, String userName, String password) {
    Mqtt3BlockingClient client = RawDevice.builder(HUB.hub(), clientId).buildBlocking();
    try {
      client.connectWith().simpleAuth().username(userName).password(password.getBytes(StandardCharsets.UTF_8))
          .applySimpleAuth().send();
      client.disconnect();
      throw new AssertionError("CONNECT of " + clientId + " was accepted");
    } catch (Mqtt3ConnAckException e) {
      return e.getMqttMessage().getReturnCode();
    }
  }

  @Test
  void acceptsTheIdentitysOwnTokenFromPrimaryAndSecondaryKeysAndAnyApiVersionForm() {
    DeviceIdentity dev = HUB.createDevice("ok-dev");
    long se = Instant.now().getEpochSecond() + 600;
    String resource = HUB.hub().hostName() + "/devices/ok-dev";
    for (String user : new String[] {RawDevice.userName(HUB.hub(), dev),
        HUB.hub().hostName() + "/ok-dev/api-version=2016-11-14", HUB.hub().hostName().toUpperCase() + "/ok-dev/"}) {
      for (String key : new String[] {dev.primaryKey(), dev.secondaryKey()}) {
        Mqtt3BlockingClient client = RawDevice.client(HUB.hub(), dev);
        assertThat(client.connectWith().simpleAuth().username(user)
            .password(SasToken.generate(resource, key, se, null).format().getBytes(StandardCharsets.UTF_8))
            .applySimpleAuth().send().getReturnCode()).isEqualTo(Mqtt3ConnAckReturnCode.SUCCESS);
        client.disconnect();
      }
    }
  }

  @Test
  void acceptsJavaSdkTokenWithRawResourceAndPolicyTokens() {
    HUB.createDevice("java-dev");
    long se = Instant.now().getEpochSecond() + 600;
    String resource = HUB.hub().hostName() + "/devices/java-dev";
    DeviceIdentity dev = HUB.hub().registry().get("java-dev").orElseThrow();
    SasToken encoded = SasToken.generate(resource, dev.primaryKey(), se, null);
    // The Java SDK sends sr raw and signs it as sent (protocol.md §2).
    String javaForm = "SharedAccessSignature sig=" + javaSignature(resource, dev.primaryKey(), se) + "&se=" + se
        + "&sr=" + resource;
    String policyKey = HUB.hub().registry().policyKey("device").orElseThrow();
    String policy = SasToken.generate(resource, policyKey, se, "device").format();
    for (String password : new String[] {encoded.format(), javaForm, policy}) {
      Mqtt3BlockingClient client = RawDevice.client(HUB.hub(), dev);
      assertThat(client.connectWith().simpleAuth().username(RawDevice.userName(HUB.hub(), dev))
          .password(password.getBytes(StandardCharsets.UTF_8)).applySimpleAuth().send().getReturnCode())
          .isEqualTo(Mqtt3ConnAckReturnCode.SUCCESS);
      client.disconnect();
    }
  }

  private static String javaSignature(String resource, String key, long se) {
    try {
      javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
      mac.init(new javax.crypto.spec.SecretKeySpec(java.util.Base64.getDecoder().decode(key), "HmacSHA256"));
      byte[] sig = mac.doFinal((resource + "\n" + se).getBytes(StandardCharsets.UTF_8));
      return java.net.URLEncoder.encode(java.util.Base64.getEncoder().encodeToString(sig), StandardCharsets.UTF_8);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void refusesBadCredentialsWithConnack5() {
    DeviceIdentity dev = HUB.createDevice("auth-dev");
    DeviceIdentity other = HUB.createDevice("auth-other");
    String user = RawDevice.userName(HUB.hub(), dev);
    long past = Instant.now().getEpochSecond() - 10;
    // wrong key
    assertThat(refusal("auth-dev", user, RawDevice.token(HUB.hub(), other).replace("auth-other", "auth-dev")))
        .isEqualTo(Mqtt3ConnAckReturnCode.NOT_AUTHORIZED);
    // token for another identity
    assertThat(refusal("auth-dev", user, RawDevice.token(HUB.hub(), other)))
        .isEqualTo(Mqtt3ConnAckReturnCode.NOT_AUTHORIZED);
    // expired
    assertThat(refusal("auth-dev", user, RawDevice.token(HUB.hub(), dev, past)))
        .isEqualTo(Mqtt3ConnAckReturnCode.NOT_AUTHORIZED);
    // not a token
    assertThat(refusal("auth-dev", user, "secret")).isEqualTo(Mqtt3ConnAckReturnCode.NOT_AUTHORIZED);
    // user name of another identity, or another host
    assertThat(refusal("auth-dev", RawDevice.userName(HUB.hub(), other), RawDevice.token(HUB.hub(), dev)))
        .isEqualTo(Mqtt3ConnAckReturnCode.NOT_AUTHORIZED);
    assertThat(refusal("auth-dev", "contoso.azure-devices.net/auth-dev/?api-version=2021-04-12",
        RawDevice.token(HUB.hub(), dev))).isEqualTo(Mqtt3ConnAckReturnCode.NOT_AUTHORIZED);
    // unknown identity
    assertThat(refusal("nobody", HUB.hub().hostName() + "/nobody/", RawDevice.token(HUB.hub(), dev)))
        .isEqualTo(Mqtt3ConnAckReturnCode.NOT_AUTHORIZED);
    // unknown policy
    String resource = HUB.hub().hostName() + "/devices/auth-dev";
    assertThat(refusal("auth-dev", user, SasToken.generate(resource, dev.primaryKey(),
        Instant.now().getEpochSecond() + 60, "nosuchpolicy").format()))
        .isEqualTo(Mqtt3ConnAckReturnCode.NOT_AUTHORIZED);
  }

  @Test
  void refusesMissingPasswordWithConnack5() {
    DeviceIdentity dev = HUB.createDevice("nopass-dev");
    Mqtt3BlockingClient client = RawDevice.client(HUB.hub(), dev);
    assertThatThrownBy(() -> client.connectWith().simpleAuth().username(RawDevice.userName(HUB.hub(), dev))
        .applySimpleAuth().send())
        .isInstanceOfSatisfying(Mqtt3ConnAckException.class, e -> assertThat(e.getMqttMessage().getReturnCode())
            .isEqualTo(Mqtt3ConnAckReturnCode.NOT_AUTHORIZED));
  }

  @Test
  void refusesDisabledIdentityWithConnack3AndDisconnectsItWhenDisabled() {
    DeviceIdentity dev = HUB.createDevice("disabled-dev");
    Mqtt3BlockingClient client = RawDevice.client(HUB.hub(), dev);
    RawDevice.connect(client, HUB.hub(), dev);
    HUB.hub().registry().setEnabled("disabled-dev", false);
    await().atMost(Duration.ofSeconds(5)).until(() -> !client.getState().isConnected());
    // The client sees its connection close before the broker's lifecycle event reaches the hub's records.
    await().atMost(Duration.ofSeconds(10)).until(() -> !HUB.hub().isConnected("disabled-dev"));
    assertThat(refusal("disabled-dev", RawDevice.userName(HUB.hub(), dev), RawDevice.token(HUB.hub(), dev)))
        .isEqualTo(Mqtt3ConnAckReturnCode.SERVER_UNAVAILABLE);
    HUB.hub().registry().setEnabled("disabled-dev", true);
    Mqtt3BlockingClient again = RawDevice.client(HUB.hub(), dev);
    assertThat(RawDevice.connect(again, HUB.hub(), dev).getReturnCode()).isEqualTo(Mqtt3ConnAckReturnCode.SUCCESS);
    again.disconnect();
  }

  @Test
  void refusesMalformedOrUnsafeClientIdsWithConnack2() {
    DeviceIdentity plus = HUB.createDevice("plus+dev");
    assertThat(refusal("plus+dev", HUB.hub().hostName() + "/plus+dev/", RawDevice.token(HUB.hub(), plus)))
        .isEqualTo(Mqtt3ConnAckReturnCode.IDENTIFIER_REJECTED);
    assertThat(refusal("a/b/c", HUB.hub().hostName() + "/a/b/c/", "x"))
        .isEqualTo(Mqtt3ConnAckReturnCode.IDENTIFIER_REJECTED);
    assertThat(refusal("dev/", HUB.hub().hostName() + "/dev//", "x"))
        .isEqualTo(Mqtt3ConnAckReturnCode.IDENTIFIER_REJECTED);
  }

  @Test
  void refusesMqtt5() {
    DeviceIdentity dev = HUB.createDevice("mqtt5-dev");
    var client = Mqtt5Client.builder().identifier("mqtt5-dev").serverHost("127.0.0.1")
        .serverPort(HUB.hub().mqttPort()).sslConfig(RawDevice.ssl(HUB.hub())).buildBlocking();
    assertThatThrownBy(() -> client.connectWith().simpleAuth().username(RawDevice.userName(HUB.hub(), dev))
        .password(RawDevice.token(HUB.hub(), dev).getBytes(StandardCharsets.UTF_8)).applySimpleAuth().send())
        .isInstanceOfSatisfying(Mqtt5ConnAckException.class, e -> assertThat(e.getMqttMessage().getReasonCode())
            .isEqualTo(Mqtt5ConnAckReasonCode.UNSUPPORTED_PROTOCOL_VERSION));
  }

  @Test
  void willOnAnotherTopicIsRefusedWithConnack5() {
    DeviceIdentity dev = HUB.createDevice("will-bad-dev");
    Mqtt3BlockingClient client = RawDevice.client(HUB.hub(), dev);
    assertThatThrownBy(() -> client.connectWith()
        .simpleAuth().username(RawDevice.userName(HUB.hub(), dev))
        .password(RawDevice.token(HUB.hub(), dev).getBytes(StandardCharsets.UTF_8)).applySimpleAuth()
        .willPublish().topic("devices/other/messages/events/").payload(new byte[] {1}).applyWillPublish()
        .send())
        .isInstanceOfSatisfying(Mqtt3ConnAckException.class, e -> assertThat(e.getMqttMessage().getReturnCode())
            .isEqualTo(Mqtt3ConnAckReturnCode.NOT_AUTHORIZED));
  }

  @Test
  void secondConnectionOfAnIdentityDropsTheFirst() {
    DeviceIdentity dev = HUB.createDevice("twice-dev");
    Mqtt3BlockingClient first = RawDevice.client(HUB.hub(), dev);
    RawDevice.connect(first, HUB.hub(), dev);
    Mqtt3BlockingClient second = RawDevice.client(HUB.hub(), dev);
    RawDevice.connect(second, HUB.hub(), dev);
    await().atMost(Duration.ofSeconds(5)).until(() -> !first.getState().isConnected());
    assertThat(second.getState().isConnected()).isTrue();
    assertThat(HUB.hub().isConnected("twice-dev")).isTrue();
    second.disconnect();
    await().atMost(Duration.ofSeconds(5)).until(() -> !HUB.hub().isConnected("twice-dev"));
  }

  @Test
  void connectionIsClosedWhenTheTokenExpires() {
    DeviceIdentity dev = HUB.createDevice("expiring-dev");
    Mqtt3BlockingClient client = RawDevice.client(HUB.hub(), dev);
    client.connectWith().simpleAuth().username(RawDevice.userName(HUB.hub(), dev))
        .password(RawDevice.token(HUB.hub(), dev, Instant.now().getEpochSecond() + 2)
            .getBytes(StandardCharsets.UTF_8)).applySimpleAuth().send();
    // HiveMQ runs the lifecycle event that records the connection on its extension executor, beside the CONNACK.
    await().atMost(Duration.ofSeconds(10)).until(() -> HUB.hub().isConnected("expiring-dev"));
    await().atMost(Duration.ofSeconds(20)).until(() -> !client.getState().isConnected());
    // The client sees its connection close before the broker's lifecycle event reaches the hub's records.
    await().atMost(Duration.ofSeconds(10)).until(() -> !HUB.hub().isConnected("expiring-dev"));
  }

  @Test
  void moduleConnectsWithItsOwnKeyOnly() {
    DeviceIdentity dev = HUB.createDevice("mod-parent");
    DeviceIdentity mod = HUB.createModule("mod-parent", "mod1");
    assertThat(mod.connectionString()).contains("ModuleId=mod1");
    Mqtt3BlockingClient client = RawDevice.client(HUB.hub(), mod);
    assertThat(RawDevice.connect(client, HUB.hub(), mod).getReturnCode()).isEqualTo(Mqtt3ConnAckReturnCode.SUCCESS);
    // HiveMQ runs the lifecycle event that records the connection on its extension executor, beside the CONNACK.
    await().atMost(Duration.ofSeconds(10)).until(() -> HUB.hub().isConnected("mod-parent", "mod1"));
    assertThat(HUB.hub().isConnected("mod-parent")).isFalse();
    client.disconnect();
    // The device's token does not open the module.
    String deviceToken = SasToken.generate(HUB.hub().hostName() + "/devices/mod-parent/modules/mod1",
        dev.primaryKey(), Instant.now().getEpochSecond() + 60, null).format();
    assertThat(refusal("mod-parent/mod1", RawDevice.userName(HUB.hub(), mod), deviceToken))
        .isEqualTo(Mqtt3ConnAckReturnCode.NOT_AUTHORIZED);
  }

  @Test
  void deletedDeviceIsDisconnectedAndRefused() {
    DeviceIdentity dev = HUB.createDevice("deleted-dev");
    Mqtt3BlockingClient client = RawDevice.client(HUB.hub(), dev);
    RawDevice.connect(client, HUB.hub(), dev);
    assertThat(HUB.hub().registry().delete("deleted-dev")).isTrue();
    await().atMost(Duration.ofSeconds(5)).until(() -> !client.getState().isConnected());
    assertThat(refusal("deleted-dev", RawDevice.userName(HUB.hub(), dev), RawDevice.token(HUB.hub(), dev)))
        .isEqualTo(Mqtt3ConnAckReturnCode.NOT_AUTHORIZED);
  }
}
