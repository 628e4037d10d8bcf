// The DPS wire grammar against the strings the official SDKs send and DPS answers (protocol.md §15).
package io.rxiothub.provisioning;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import io.rxiothub.sas.SasToken;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class WireTest {

  private static final String KEY = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";

  @Test
  void requestTopicsAreTheSdksFormatStrings() {
    assertThat(DpsTopics.register(1)).isEqualTo("$dps/registrations/PUT/iotdps-register/?$rid=1");
    assertThat(DpsTopics.operationStatus(2, "4.d0a6.e717"))
        .isEqualTo("$dps/registrations/GET/iotdps-get-operationstatus/?$rid=2&operationId=4.d0a6.e717");
    assertThatIllegalArgumentException().isThrownBy(() -> DpsTopics.operationStatus(2, "a&b"))
        .withMessageContaining("operationId must not contain");
  }

  @Test
  void responseTopicGivesStatusRidAndRetryAfter() {
    DpsResponseTopic topic = DpsResponseTopic.parse("$dps/registrations/res/202/?$rid=7&retry-after=3");
    assertThat(topic.status()).isEqualTo(202);
    assertThat(topic.requestId()).isEqualTo("7");
    assertThat(topic.retryAfterSeconds()).isEqualTo(3);
    assertThat(topic.isTransient()).isFalse();
    assertThat(DpsResponseTopic.parse("$dps/registrations/res/429/?$rid=u-u-i-d").retryAfterSeconds()).isEqualTo(-1);
    assertThat(DpsResponseTopic.parse("$dps/registrations/res/429/?$rid=1").isTransient()).isTrue();
    assertThat(topic.format()).isEqualTo("$dps/registrations/res/202/?$rid=7&retry-after=3");
    assertThatIllegalArgumentException().isThrownBy(() -> DpsResponseTopic.parse("$dps/registrations/res/2x2/?$rid=1"))
        .withMessage("response topic status must be 3 digits");
    assertThatIllegalArgumentException().isThrownBy(() -> DpsResponseTopic.parse("$dps/registrations/res/200/?x=1"))
        .withMessage("response topic has no $rid property");
  }

  @Test
  void userNameAndTokenCoverTheRegistration() {
    assertThat(DpsConnect.userName("0ne00000001", "dev-1", "rxiothub/0.1.0"))
        .isEqualTo("0ne00000001/registrations/dev-1/api-version=2021-06-01&ClientVersion=rxiothub%2F0.1.0");
    SasToken token = DpsConnect.sasToken("0ne00000001", "dev-1", KEY, 1_700_000_000L);
    assertThat(token.format()).startsWith("SharedAccessSignature sr=0ne00000001%2Fregistrations%2Fdev-1&sig=")
        .endsWith("&se=1700000000&skn=registration");
    assertThat(token.verify(KEY)).isTrue();
    assertThat(token.covers("0ne00000001/registrations/dev-1")).isTrue();
    assertThat(DpsConnect.derivedKey(KEY, "dev-1")).isNotEqualTo(KEY).hasSize(44);
    assertThatIllegalArgumentException().isThrownBy(() -> DpsConnect.userName("scope/x", "d", "v"))
        .withMessage("idScope and registrationId must not contain '/'");
  }

  @Test
  void registrationRequestCarriesPayloadAndModelId() {
    assertThat(RegistrationRequest.of("dev-1", null, null).toJson()).isEqualTo("{\"registrationId\":\"dev-1\"}");
    assertThat(RegistrationRequest.of("dev-1", "{\"a\":1}", "dtmi:com:example:Thermostat;1").toJson())
        .isEqualTo("{\"registrationId\":\"dev-1\",\"payload\":{\"a\":1,\"modelId\":\"dtmi:com:example:Thermostat;1\"}}");
    RegistrationRequest javaSdkForm = RegistrationRequest.parse(
        "{\"registrationId\":\"d\",\"payload\":\"{\\\"a\\\":1}\"}".getBytes(StandardCharsets.UTF_8));
    assertThat(javaSdkForm.payload()).isEqualTo("\"{\\\"a\\\":1}\"");
    assertThatIllegalArgumentException().isThrownBy(() -> RegistrationRequest.of("d", "[1]", "m"))
        .withMessage("payload must be a JSON object when a model id is set");
  }

  @Test
  void assignedStatusParsesTheServicesBody() {
    String body = "{\"operationId\":\"4.d0a6\",\"status\":\"assigned\",\"registrationState\":{\"registrationId\":"
        + "\"dev-1\",\"createdDateTimeUtc\":\"2026-12-03T04:00:00.0000000Z\",\"assignedHub\":\"contoso.azure-devices.net\","
        + "\"deviceId\":\"dev-1\",\"status\":\"assigned\",\"substatus\":\"initialAssignment\",\"lastUpdatedDateTimeUtc\":"
        + "\"2026-12-03T04:00:01.0000000Z\",\"etag\":\"\\\"e\\\"\",\"payload\":{\"echo\":1}}}";
    OperationStatus status = OperationStatus.parse(body);
    Registration registration = status.registrationState();
    assertThat(status.status()).isEqualTo(RegistrationStatus.ASSIGNED);
    assertThat(registration).isNotNull();
    assertThat(registration.assignedHub()).isEqualTo("contoso.azure-devices.net");
    assertThat(registration.deviceId()).isEqualTo("dev-1");
    assertThat(registration.substatus()).isEqualTo("initialAssignment");
    assertThat(registration.payload()).isEqualTo("{\"echo\":1}");
    assertThat(OperationStatus.parse(status.toJson())).isEqualTo(status);
    assertThatIllegalArgumentException().isThrownBy(() -> OperationStatus.parse(
        "{\"operationId\":\"o\",\"status\":\"assigned\",\"registrationState\":{\"registrationId\":\"d\",\"status\":\"assigned\"}}"))
        .withMessage("operation status.registrationState is assigned but names no assignedHub or deviceId");
  }

  @Test
  void errorBodyKeepsCodeTrackingIdAndMessage() {
    DpsError error = DpsError.parse(("{\"errorCode\":401002,\"trackingId\":\"t-1\",\"message\":\"Unauthorized\","
        + "\"timestampUtc\":\"2026-12-03T04:00:00Z\"}").getBytes(StandardCharsets.UTF_8));
    assertThat(error).isEqualTo(DpsError.of(401002, "t-1", "Unauthorized"));
    assertThat(DpsError.parse(error.toJson().getBytes(StandardCharsets.UTF_8))).isEqualTo(error);
  }
}
