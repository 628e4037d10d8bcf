// The Watson leaves' CONNECT rules (protocol.md §18.3, §14.1): client id form and organisation, user name, token.
package io.rxiothub.gateway.internal;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.rxiothub.gateway.WatsonLeaf;
import java.util.List;
import org.junit.jupiter.api.Test;

class WatsonLeafAuthTest {

  private static final String TOKEN = "leaf-token-12345";
  private final WatsonLeafAuth auth = new WatsonLeafAuth("abc123", List.of(WatsonLeaf.of("sensor", "s1", TOKEN)));

  private WatsonLeafAuth.Result connect(String clientId, String user, String password) {
    return auth.authenticate(clientId, user, password == null ? null : password.getBytes(UTF_8));
  }

  @Test
  void theConfiguredLeafWithItsTokenIsAccepted() {
    WatsonLeafAuth.Result result = connect("d:abc123:sensor:s1", "use-token-auth", TOKEN);

    assertThat(result.leaf()).isEqualTo(WatsonLeaf.of("sensor", "s1", TOKEN));
    assertThat(result.returnCode()).isZero();
  }

  @Test
  void aBadClientIdOrAnotherOrganisationIsRefusedWithTwo() {
    assertThat(connect("d:abc123:sensor", "use-token-auth", TOKEN).returnCode()).isEqualTo(LeafAuth.BAD_CLIENT_ID);
    assertThat(connect("g:abc123:sensor:s1", "use-token-auth", TOKEN).returnCode())
        .isEqualTo(LeafAuth.BAD_CLIENT_ID);
    WatsonLeafAuth.Result other = connect("d:zzz999:sensor:s1", "use-token-auth", TOKEN);
    assertThat(other.returnCode()).isEqualTo(LeafAuth.BAD_CLIENT_ID);
    assertThat(other.reason()).contains("zzz999").contains("abc123");
  }

  @Test
  void anUnknownDeviceAWrongUserOrTokenIsRefusedWithFourNamingNoToken() {
    assertThat(connect("d:abc123:sensor:s2", "use-token-auth", TOKEN).returnCode())
        .isEqualTo(LeafAuth.BAD_CREDENTIALS);
    assertThat(connect("d:abc123:sensor:s1", "someone", TOKEN).returnCode()).isEqualTo(LeafAuth.BAD_CREDENTIALS);
    assertThat(connect("d:abc123:sensor:s1", "use-token-auth", null).returnCode())
        .isEqualTo(LeafAuth.BAD_CREDENTIALS);
    WatsonLeafAuth.Result wrong = connect("d:abc123:sensor:s1", "use-token-auth", TOKEN + "x");
    assertThat(wrong.leaf()).isNull();
    assertThat(wrong.returnCode()).isEqualTo(LeafAuth.BAD_CREDENTIALS);
    assertThat(wrong.reason()).doesNotContain(TOKEN);
  }

  @Test
  void onlyDeviceClientIdsAreWatsons() {
    assertThat(WatsonLeafAuth.isWatsonClientId("d:abc123:sensor:s1")).isTrue();
    assertThat(WatsonLeafAuth.isWatsonClientId("leaf-1")).isFalse();
  }
}
