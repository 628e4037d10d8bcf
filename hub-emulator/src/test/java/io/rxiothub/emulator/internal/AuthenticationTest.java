// CONNECT authentication (protocol.md §3, §9) as a pure decision: registry, fault rule and time passed in.
package io.rxiothub.emulator.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.rxiothub.sas.SasToken;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

class AuthenticationTest {

  private static final String HOST = "hub.localhost";
  private static final Instant NOW = Instant.parse("2030-01-01T00:00:00Z");
  private static final String USER = HOST + "/dev1/?api-version=2021-04-12";

  private final RegistryStore registry = new RegistryStore(HOST, identity -> { });
  private final Map<String, Integer> refusals = new HashMap<>();
  private final ClientCertificates certificates = new ClientCertificates();
  private final Authentication auth = new Authentication(registry,
      clientId -> refusals.getOrDefault(clientId, 0), certificates);
  private final String key = registry.create("dev1", null, null, null).primaryKey();

  private static byte[] token(String resource, String key, Instant expiry, @Nullable String policy) {
    return SasToken.generate(resource, key, expiry.getEpochSecond(), policy).format()
        .getBytes(StandardCharsets.UTF_8);
  }

  private byte[] deviceToken(Instant expiry) {
    return token(HOST + "/devices/dev1", key, expiry, null);
  }

  private Authentication.Result connect(String clientId, @Nullable String user, byte @Nullable [] password,
      @Nullable Will will, Instant now) {
    return auth.authenticate(4, clientId, user, password, will, now);
  }

  @Test
  void acceptsAValidTokenBeforeItsExpiryAndReportsTheExpiry() {
    Instant expiry = NOW.plusSeconds(60);
    Authentication.Result result = connect("dev1", USER, deviceToken(expiry), null, NOW);
    assertThat(result.returnCode()).isZero();
    assertThat(result.identity()).isEqualTo(new Identity("dev1", null));
    assertThat(result.tokenExpiry()).isEqualTo(expiry.getEpochSecond());
  }

  @Test
  void theTimePassedInDecidesExpiry() {
    byte[] password = deviceToken(NOW.plusSeconds(60));
    assertThat(connect("dev1", USER, password, null, NOW.plusSeconds(59)).returnCode()).isZero();
    Authentication.Result late = connect("dev1", USER, password, null, NOW.plusSeconds(61));
    assertThat(late.returnCode()).isEqualTo(5);
    assertThat(late.reason()).startsWith("SAS token expired at 2030-01-01T00:01:00Z");
  }

  @Test
  void refusesOtherProtocolLevelsWithCode1() {
    assertThat(auth.authenticate(5, "dev1", USER, deviceToken(NOW.plusSeconds(60)), null, NOW).returnCode())
        .isEqualTo(1);
  }

  @Test
  void refusesMalformedClientIdsWithCode2() {
    assertThat(connect("dev1/", USER, null, null, NOW).returnCode()).isEqualTo(2);
    assertThat(connect("dev+1", USER, null, null, NOW).returnCode()).isEqualTo(2);
    assertThat(connect("a/b/c", USER, null, null, NOW).returnCode()).isEqualTo(2);
  }

  @Test
  void anInjectedRefusalComesBeforeTheRegistry() {
    refusals.put("ghost", 3);
    Authentication.Result result = connect("ghost", HOST + "/ghost/", null, null, NOW);
    assertThat(result.returnCode()).isEqualTo(3);
    assertThat(result.reason()).isEqualTo("CONNECT refused by fault injection");
  }

  @Test
  void refusesUnknownWith5AndDisabledWith3() {
    assertThat(connect("ghost", HOST + "/ghost/", null, null, NOW).returnCode()).isEqualTo(5);
    registry.setEnabled(new Identity("dev1", null), false);
    assertThat(connect("dev1", USER, deviceToken(NOW.plusSeconds(60)), null, NOW).returnCode()).isEqualTo(3);
  }

  @Test
  void theUserNameMustNameTheHostCaseInsensitivelyAndTheClientIdExactly() {
    byte[] password = deviceToken(NOW.plusSeconds(60));
    assertThat(connect("dev1", "HUB.LOCALHOST/dev1/", password, null, NOW).returnCode()).isZero();
    assertThat(connect("dev1", HOST + "/DEV1/", password, null, NOW).returnCode()).isEqualTo(5);
    assertThat(connect("dev1", HOST + "/dev1", password, null, NOW).returnCode()).isEqualTo(5);
    assertThat(connect("dev1", null, password, null, NOW).returnCode()).isEqualTo(5);
  }

  @Test
  void refusesAMissingOrForeignOrWronglySignedTokenWithoutShowingIt() {
    assertThat(connect("dev1", USER, null, null, NOW).reason()).contains("no password");
    byte[] foreign = token(HOST + "/devices/dev2", key, NOW.plusSeconds(60), null);
    assertThat(connect("dev1", USER, foreign, null, NOW).reason()).contains("does not cover");
    byte[] wrongKey = token(HOST + "/devices/dev1", RegistryStore.newKey(), NOW.plusSeconds(60), null);
    Authentication.Result result = connect("dev1", USER, wrongKey, null, NOW);
    assertThat(result.returnCode()).isEqualTo(5);
    assertThat(result.reason()).isEqualTo("SAS token signature does not match the identity's keys");
    String sig = new String(wrongKey, StandardCharsets.UTF_8).replaceAll(".*sig=([^&]*).*", "$1");
    assertThat(result.reason()).doesNotContain(sig);
  }

  @Test
  void acceptsAPolicyTokenOnlyWithThePolicysKey() {
    String policyKey = RegistryStore.newKey();
    registry.putPolicy("device", policyKey);
    byte[] good = token(HOST + "/devices/dev1", policyKey, NOW.plusSeconds(60), "device");
    assertThat(connect("dev1", USER, good, null, NOW).returnCode()).isZero();
    byte[] unknown = token(HOST + "/devices/dev1", policyKey, NOW.plusSeconds(60), "other");
    assertThat(connect("dev1", USER, unknown, null, NOW).reason()).endsWith(" or policy 'other'");
  }

  @Test
  void aWillMayOnlyGoToTheIdentitysTelemetryTopic() {
    byte[] password = deviceToken(NOW.plusSeconds(60));
    Will own = new Will("devices/dev1/messages/events/a=1", new byte[0], false);
    Will other = new Will("devices/dev2/messages/events/", new byte[0], false);
    assertThat(connect("dev1", USER, password, own, NOW).returnCode()).isZero();
    Authentication.Result result = connect("dev1", USER, password, other, NOW);
    assertThat(result.returnCode()).isEqualTo(5);
    assertThat(result.reason()).contains("is not the identity's telemetry topic");
  }
}
