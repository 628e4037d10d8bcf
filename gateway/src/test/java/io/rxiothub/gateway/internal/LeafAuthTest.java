// The gateway's CONNECT rules (protocol.md §18.2): the hub's user name, SAS tokens verified with the leaf's key.
package io.rxiothub.gateway.internal;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.rxiothub.gateway.LeafDevice;
import io.rxiothub.sas.SasToken;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LeafAuthTest {

  private static final String KEY = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";
  private static final String OTHER = "HxwdGhsYGRYXFBUSExAREA4PDA0KCwgJBgcEBQIDAAE=";
  private static final long NOW = 1_800_000_000L;
  private final LeafAuth auth = new LeafAuth("hub.example",
      Map.of("leaf-1", LeafDevice.of("leaf-1", KEY, "local-pass")));
  private final String user = "hub.example/leaf-1/?api-version=2021-04-12";

  private static byte[] token(String resource, String key, long expiry) {
    return SasToken.generate(resource, key, expiry, null).format().getBytes(UTF_8);
  }

  @Test
  void aTokenSignedWithTheLeafsKeyForTheHubIsAccepted() {
    LeafAuth.Result result = auth.authenticate("leaf-1", user, token("hub.example/devices/leaf-1", KEY, NOW + 60),
        NOW);
    assertThat(result.leaf()).isNotNull();
    assertThat(result.returnCode()).isZero();
  }

  @Test
  void theLocalPasswordIsAccepted() {
    assertThat(auth.authenticate("leaf-1", user, "local-pass".getBytes(UTF_8), NOW).leaf()).isNotNull();
  }

  @Test
  void refusalsCarryTheHubsCodesAndNameNoSecret() {
    assertRefused(auth.authenticate("leaf-2", user, token("hub.example/devices/leaf-2", KEY, NOW + 60), NOW),
        LeafAuth.NOT_AUTHORIZED, "not a leaf of this gateway");
    assertRefused(auth.authenticate("leaf-1", user, token("hub.example/devices/leaf-1", OTHER, NOW + 60), NOW),
        LeafAuth.BAD_CREDENTIALS, "signature does not verify");
    assertRefused(auth.authenticate("leaf-1", user, token("hub.example/devices/leaf-1", KEY, NOW), NOW),
        LeafAuth.BAD_CREDENTIALS, "expired");
    assertRefused(auth.authenticate("leaf-1", user, token("hub.example/devices/leaf-12", KEY, NOW + 60), NOW),
        LeafAuth.BAD_CREDENTIALS, "sr is 'hub.example/devices/leaf-12'");
    assertRefused(auth.authenticate("leaf-1", "gw.local/leaf-1/?api-version=1",
        token("hub.example/devices/leaf-1", KEY, NOW + 60), NOW), LeafAuth.BAD_CREDENTIALS,
        "names host 'gw.local'");
    assertRefused(auth.authenticate("leaf-1", user, "wrong".getBytes(UTF_8), NOW), LeafAuth.BAD_CREDENTIALS,
        "neither a SAS token nor");
    assertRefused(auth.authenticate("leaf-1", null, null, NOW), LeafAuth.BAD_CREDENTIALS, "no user name");
  }

  @Test
  void aModuleLeafSignsForItsModuleIdentity() {
    LeafAuth modules = new LeafAuth("hub.example",
        Map.of("edge-1/camera", LeafDevice.module("edge-1", "camera", KEY, null)));
    String moduleUser = "hub.example/edge-1/camera/?api-version=2021-04-12";

    assertThat(modules.authenticate("edge-1/camera", moduleUser,
        token("hub.example/devices/edge-1/modules/camera", KEY, NOW + 60), NOW).leaf()).isNotNull();
    assertRefused(modules.authenticate("edge-1/camera", moduleUser, token("hub.example/devices/edge-1", KEY,
        NOW + 60), NOW), LeafAuth.BAD_CREDENTIALS, "expected 'hub.example/devices/edge-1/modules/camera'");
    assertRefused(modules.authenticate("edge-1/camera", "hub.example/edge-1/?api-version=1",
        token("hub.example/devices/edge-1/modules/camera", KEY, NOW + 60), NOW), LeafAuth.BAD_CREDENTIALS,
        "names identity 'edge-1'");
    assertRefused(modules.authenticate("edge-1/other", "hub.example/edge-1/other/?api-version=1",
        token("hub.example/devices/edge-1/modules/other", KEY, NOW + 60), NOW), LeafAuth.NOT_AUTHORIZED,
        "configured with deviceId and moduleId");
  }

  @Test
  void withAGroupKeyAnUnknownLeafIsCheckedWithItsDerivedKey() {
    String derived = io.rxiothub.sas.DpsKeys.deriveDeviceKey(OTHER, "new-leaf");
    LeafAuth group = new LeafAuth("hub.example", Map.of(), OTHER);
    String newUser = "hub.example/new-leaf/?api-version=2021-04-12";

    LeafAuth.Result ok = group.authenticate("new-leaf", newUser, token("hub.example/devices/new-leaf", derived,
        NOW + 60), NOW);
    assertThat(ok.leaf()).isNotNull();
    assertThat(ok.leaf().key()).isEqualTo(derived);
    assertRefused(group.authenticate("new-leaf", newUser, token("hub.example/devices/new-leaf", OTHER, NOW + 60),
        NOW), LeafAuth.BAD_CREDENTIALS, "derived from the enrollment group's key");
    assertRefused(group.authenticate("New", "hub.example/New/?api-version=1", null, NOW), LeafAuth.BAD_CLIENT_ID,
        "nor a DPS registration id");
  }

  private static void assertRefused(LeafAuth.Result result, int code, String reason) {
    assertThat(result.leaf()).isNull();
    assertThat(result.returnCode()).isEqualTo(code);
    assertThat(result.reason()).contains(reason).doesNotContain(KEY).doesNotContain("sig=")
        .doesNotContain("local-pass");
  }
}
