package io.rxiothub.sas;

import static io.rxiothub.sas.SasTokenTest.DEVICE_TOKEN;
import static io.rxiothub.sas.SasTokenTest.KEY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.rxiothub.sas.ConnectionString.Authentication;
import nl.jqno.equalsverifier.EqualsVerifier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ConnectionStringTest {

  static final String DEVICE = "HostName=contoso.azure-devices.net;DeviceId=dev1;SharedAccessKey=" + KEY;

  @Test
  void parsesADeviceKeyConnectionString() {
    ConnectionString cs = ConnectionString.parse(DEVICE);
    assertThat(cs.hostName()).isEqualTo("contoso.azure-devices.net");
    assertThat(cs.deviceId()).isEqualTo("dev1");
    assertThat(cs.moduleId()).isNull();
    assertThat(cs.isModule()).isFalse();
    assertThat(cs.sharedAccessKey()).isEqualTo(KEY);
    assertThat(cs.authentication()).isEqualTo(Authentication.SHARED_ACCESS_KEY);
    assertThat(cs.resourceUri()).isEqualTo("contoso.azure-devices.net/devices/dev1");
    assertThat(cs.format()).isEqualTo(DEVICE);
  }

  @Test
  void parsesAModuleConnectionStringAndSignsForTheModule() {
    ConnectionString cs = ConnectionString.parse(
        "HostName=contoso.azure-devices.net;DeviceId=dev1;ModuleId=mod1;SharedAccessKey=" + KEY);
    assertThat(cs.isModule()).isTrue();
    assertThat(cs.resourceUri()).isEqualTo("contoso.azure-devices.net/devices/dev1/modules/mod1");
    assertThat(cs.newSasToken(1700000000L).format()).isEqualTo(SasTokenTest.MODULE_TOKEN);
  }

  @Test
  void signsTheWorkedExampleFromTheConnectionString() {
    assertThat(ConnectionString.parse(DEVICE).newSasToken(1700000000L).format()).isEqualTo(DEVICE_TOKEN);
  }

  @Test
  void policyKeyNameGoesIntoSkn() {
    ConnectionString cs = ConnectionString.parse(DEVICE + ";SharedAccessKeyName=device");
    assertThat(cs.sharedAccessKeyName()).isEqualTo("device");
    assertThat(cs.newSasToken(1700000000L).format()).isEqualTo(SasTokenTest.POLICY_TOKEN);
  }

  @Test
  void parsesAReadyMadeToken() {
    ConnectionString cs = ConnectionString.parse(
        "HostName=contoso.azure-devices.net;DeviceId=dev1;SharedAccessSignature=" + DEVICE_TOKEN);
    assertThat(cs.authentication()).isEqualTo(Authentication.SHARED_ACCESS_SIGNATURE);
    assertThat(cs.sharedAccessSignature()).isEqualTo(SasToken.parse(DEVICE_TOKEN));
    assertThatThrownBy(() -> cs.newSasToken(1L)).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("no SharedAccessKey");
  }

  @Test
  void parsesX509AndGatewayForms() {
    ConnectionString x509 = ConnectionString.parse(
        "HostName=myiothub.azure-devices.net;DeviceId=myDownstreamDevice;x509=TRUE;GatewayHostName=myGatewayDevice");
    assertThat(x509.x509()).isTrue();
    assertThat(x509.authentication()).isEqualTo(Authentication.X509);
    assertThat(x509.gatewayHostName()).isEqualTo("myGatewayDevice");
    assertThat(x509.format())
        .isEqualTo("HostName=myiothub.azure-devices.net;DeviceId=myDownstreamDevice;x509=true;GatewayHostName=myGatewayDevice");
  }

  @Test
  void toleratesOrderWhitespaceAndTrailingSeparators() {
    ConnectionString cs = ConnectionString.parse(
        "  SharedAccessKey = " + KEY + " ;\n DeviceId=dev1 ; HostName=contoso.azure-devices.net ;;");
    assertThat(cs).isEqualTo(ConnectionString.parse(DEVICE));
  }

  @Test
  void deviceIdsMayContainTheHubsPunctuation() {
    ConnectionString cs = ConnectionString.parse(
        "HostName=h.net;DeviceId=a-b:c.d+e%f_g#h*i?j!k(l)m,n=o@p$q'r;SharedAccessKey=" + KEY);
    assertThat(cs.deviceId()).isEqualTo("a-b:c.d+e%f_g#h*i?j!k(l)m,n=o@p$q'r");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "missing HostName | DeviceId=dev1;SharedAccessKey=" + KEY + " | HostName is missing",
      "missing DeviceId | HostName=h.net;SharedAccessKey=" + KEY + " | DeviceId is missing",
      "no credential | HostName=h.net;DeviceId=d | exactly one of SharedAccessKey",
      "key and x509 | HostName=h.net;DeviceId=d;x509=true;SharedAccessKey=" + KEY + " | exactly one of",
      "key and token | HostName=contoso.azure-devices.net;DeviceId=dev1;SharedAccessKey=" + KEY
          + ";SharedAccessSignature=" + DEVICE_TOKEN + " | found 2",
      "key not base64 | HostName=h.net;DeviceId=d;SharedAccessKey=abc$ | SharedAccessKey must be non-empty base64",
      "empty key | HostName=h.net;DeviceId=d;SharedAccessKey= | SharedAccessKey must be non-empty base64",
      "illegal id char | HostName=h.net;DeviceId=dev 1;SharedAccessKey=" + KEY + " | DeviceId contains an illegal character at index 3",
      "illegal module char | HostName=h.net;DeviceId=d;ModuleId=m/1;SharedAccessKey=" + KEY + " | ModuleId contains an illegal character",
      "empty id | HostName=h.net;DeviceId=;SharedAccessKey=" + KEY + " | DeviceId is empty",
      "duplicate | HostName=h.net;HostName=g.net;DeviceId=d;SharedAccessKey=" + KEY + " | HostName more than once",
      "wrong case | hostname=h.net;DeviceId=d;SharedAccessKey=" + KEY + " | write 'HostName'",
      "unknown key | HostName=h.net;DeviceId=d;Foo=bar;SharedAccessKey=" + KEY + " | unknown key 'Foo'",
      "no equals | HostName=h.net;DeviceId;SharedAccessKey=" + KEY + " | part 2 has no '='",
      "x509 false | HostName=h.net;DeviceId=d;x509=false | x509 accepts only 'true'",
      "skn without key | HostName=h.net;DeviceId=d;x509=true;SharedAccessKeyName=p | only allowed together with SharedAccessKey",
      "host with scheme | HostName=https://h.net;DeviceId=d;SharedAccessKey=" + KEY + " | HostName must be a host name",
      "host with port | HostName=h.net:8883;DeviceId=d;SharedAccessKey=" + KEY + " | HostName must be a host name",
      "bad gateway | HostName=h.net;DeviceId=d;GatewayHostName=a..b;SharedAccessKey=" + KEY + " | GatewayHostName must not",
      "bad token | HostName=h.net;DeviceId=d;SharedAccessSignature=sr=x | SharedAccessSignature: SAS token must start",
      "token for another device | HostName=contoso.azure-devices.net;DeviceId=dev2;SharedAccessSignature=" + DEVICE_TOKEN
          + " | does not cover this identity's resource",
  })
  void rejectsWithTheFieldAndTheRuleAndNeverTheKey(String name, String text, String message) {
    assertThatThrownBy(() -> ConnectionString.parse(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(message)
        .message().doesNotContain(KEY).doesNotContain("QKiSs");
  }

  @Test
  void rejectsAnIdLongerThan128Characters() {
    String id = new String(new char[129]).replace('\0', 'a');
    assertThatThrownBy(() -> ConnectionString.parse("HostName=h.net;DeviceId=" + id + ";SharedAccessKey=" + KEY))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("DeviceId is 129 characters long; the maximum is 128");
  }

  @Test
  void rejectsNull() {
    assertThatThrownBy(() -> ConnectionString.parse(null)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void toStringRedactsKeyAndToken() {
    ConnectionString key = ConnectionString.parse(DEVICE + ";SharedAccessKeyName=policy");
    assertThat(key.toString()).doesNotContain(KEY).contains("SharedAccessKey=<redacted>").contains("dev1")
        .contains("policy");
    ConnectionString token = ConnectionString.parse(
        "HostName=contoso.azure-devices.net;DeviceId=dev1;SharedAccessSignature=" + DEVICE_TOKEN);
    assertThat(token.toString()).doesNotContain("QKiSs").contains("SharedAccessSignature=<redacted>");
  }

  @Test
  void builderMakesTheSameValueAsParse() {
    ConnectionString built = ConnectionString.builder()
        .hostName("contoso.azure-devices.net").deviceId("dev1").sharedAccessKey(KEY).build();
    assertThat(built).isEqualTo(ConnectionString.parse(DEVICE));
    assertThat(built.toBuilder().moduleId("m1").build().format()).isEqualTo(
        "HostName=contoso.azure-devices.net;DeviceId=dev1;ModuleId=m1;SharedAccessKey=" + KEY);
  }

  @Test
  void builderRejectsBadValuesAtOnceAndConflictsAtBuild() {
    assertThatThrownBy(() -> ConnectionString.builder().deviceId("a b"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("DeviceId");
    assertThatThrownBy(() -> ConnectionString.builder().sharedAccessKey("no pe"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("SharedAccessKey");
    assertThatThrownBy(() -> ConnectionString.builder().hostName("h.net").build())
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("DeviceId is missing");
    assertThatThrownBy(() -> ConnectionString.builder().hostName("h.net").deviceId("d").build())
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("exactly one of");
  }

  @Test
  void equalsAndHashCode() {
    EqualsVerifier.forClass(ConnectionString.class)
        .withPrefabValues(SasToken.class, SasToken.parse(DEVICE_TOKEN),
            SasToken.generate("h.net/devices/d", KEY, 5L, null))
        .verify();
  }
}
