// The configuration file's `watson` section: every key, env: tokens, a Watson-only file, errors naming the line and
// rule but never a token, and the example file (protocol.md §18.3).
package io.rxiothub.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WatsonConfigFileTest {

  private static final String TOKEN = "gw-token-from-env-1";
  private static final String LEAF_TOKEN = "leaf-secret-token-2";
  private static final Path BASE = Path.of("/etc/rxiothub");

  private static GatewayConfig parse(String text) {
    return GatewayConfigFile.parse(text, "gateway.yaml", BASE, Map.of("GW_TOKEN", TOKEN));
  }

  @Test
  void readsEveryKeyOfAWatsonOnlyFile() {
    GatewayConfig config = parse("""
        gateway:
          mqttPort: 1883
        watson:
          orgId: abc123
          gatewayType: gwtype
          gatewayId: gw1
          token: env:GW_TOKEN
          domain: example.test
          host: localhost
          port: 9883
          caFile: watson-ca.pem
          leaves:
            - typeId: sensor
              deviceId: s1
              token: %s
            - {typeId: valve, deviceId: v1, token: env:GW_TOKEN}
        """.formatted(LEAF_TOKEN));

    WatsonUpstream watson = config.watson();
    assertThat(watson).isNotNull();
    assertThat(watson.gatewayClientId()).isEqualTo("g:abc123:gwtype:gw1");
    assertThat(watson.token()).isEqualTo(TOKEN);
    assertThat(watson.domain()).isEqualTo("example.test");
    assertThat(watson.connectHost()).isEqualTo("localhost");
    assertThat(watson.port()).isEqualTo(9883);
    assertThat(watson.caFile()).isEqualTo(BASE.resolve("watson-ca.pem"));
    assertThat(watson.leaves()).containsExactly(WatsonLeaf.of("sensor", "s1", LEAF_TOKEN),
        WatsonLeaf.of("valve", "v1", TOKEN));
    assertThat(config.hubHostName()).isNull();
    assertThat(config.leaves()).isEmpty();
  }

  @Test
  void defaultsToThePlatformsHostAndPort() {
    GatewayConfig config = parse("""
        {"watson": {"orgId": "abc123", "gatewayType": "gwtype", "gatewayId": "gw1", "token": "%s",
                    "leaves": [{"typeId": "sensor", "deviceId": "s1", "token": "%s"}]}}
        """.formatted(TOKEN, LEAF_TOKEN));

    assertThat(config.watson().connectHost()).isEqualTo("abc123.messaging.internetofthings.ibmcloud.com");
    assertThat(config.watson().port()).isEqualTo(8883);
    assertThat(config.watson().caFile()).isNull();
  }

  @Test
  void errorsNameTheLineAndTheRuleButNoToken() {
    String head = "watson:\n  orgId: abc123\n  gatewayType: gwtype\n  gatewayId: gw1\n  token: " + TOKEN
        + "\n  leaves:\n";
    assertError(head + "    - {typeId: sensor, deviceId: s1, token: " + LEAF_TOKEN + ", colour: red}\n", 7,
        "unknown key 'colour' in a Watson leaf; expected one of deviceId, token, typeId");
    assertError(head + "    - {typeId: sensor, deviceId: s1}\n", 7, "Watson leaf 'sensor/s1' needs 'token'");
    assertError(head + "    - {typeId: sensor, deviceId: s1, token: env:NOPE}\n", 7,
        "token names environment variable 'NOPE', which is not set");
    assertError(head + "    - {typeId: sensor, deviceId: s1, token: short}\n", 7,
        "token must be 8..128 characters, got 5");
    assertError(head + "    - {typeId: 'bad type', deviceId: s1, token: " + LEAF_TOKEN + "}\n", 7, "typeId");
    assertError(head + "    - {typeId: sensor, deviceId: s1, token: " + LEAF_TOKEN + "}\n"
        + "    - {typeId: sensor, deviceId: s1, token: " + LEAF_TOKEN + "}\n", 8,
        "Watson leaf 'sensor/s1' is configured twice (first at line 7)");
    assertError(head + "    - {typeId: gwtype, deviceId: gw1, token: " + LEAF_TOKEN + "}\n", 2,
        "is the gateway itself");
    assertError("watson:\n  orgId: ABC\n", 2, "6 characters of a-z 0-9");
    assertError("watson:\n  orgId: abc123\n  gatewayId: gw1\n", 2, "watson needs 'gatewayType'");
    assertError(head.replace("  token: " + TOKEN + "\n", "  token: tiny\n"), 5,
        "token must be 8..128 characters");
    assertError(head + "    - {typeId: sensor, deviceId: s1, token: " + LEAF_TOKEN + "}\n  port: 0\n", 8,
        "0 is out of range 1..65535");
    assertError("metrics:\n  port: 1\n", 1, "'azure' is missing, and so is 'watson'");
  }

  private static void assertError(String text, int line, String rule) {
    assertThatThrownBy(() -> parse(text))
        .isInstanceOf(GatewayConfigException.class)
        .hasMessageContaining(rule)
        .hasMessageNotContaining(TOKEN)
        .hasMessageNotContaining(LEAF_TOKEN)
        .satisfies(e -> assertThat(((GatewayConfigException) e).line()).isEqualTo(line))
        .satisfies(e -> assertThat(e.getMessage()).startsWith("gateway.yaml:" + line + ":"));
  }

  @Test
  void theExampleConfigParses() throws Exception {
    Path file = Path.of("examples", "gateway-watson.yaml");
    GatewayConfig config = GatewayConfigFile.parse(Files.readString(file), file.toString(), file.getParent(),
        Map.of("WATSON_GATEWAY_TOKEN", TOKEN, "SENSOR_S1_TOKEN", LEAF_TOKEN));

    assertThat(config.watson().gatewayClientId()).isEqualTo("g:abc123:gwtype:gw1");
    assertThat(config.watson().leaves()).extracting(l -> l.typeId() + "/" + l.deviceId())
        .containsExactly("sensor/s1", "valve/v1");
    assertThat(config.watson().connectHost()).isEqualTo("localhost");
    assertThat(config.hubHostName()).isNull();
  }
}
