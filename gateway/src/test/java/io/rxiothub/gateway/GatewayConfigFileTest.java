// The configuration file: YAML and JSON, relative paths, env: secrets, and errors that name the line and rule.
package io.rxiothub.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GatewayConfigFileTest {

  private static final String KEY = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";
  private static final Path BASE = Path.of("/etc/rxiothub");

  private static GatewayConfig parse(String text) {
    return GatewayConfigFile.parse(text, "gateway.yaml", BASE, Map.of("LEAF2_KEY", KEY));
  }

  @Test
  void readsEveryKeyOfAYamlFile() {
    GatewayConfig config = parse("""
        gateway:
          hostName: gateway.local
          bindAddress: 0.0.0.0
          mqttPort: 1883
          tlsPort: 8883
          tls:
            certificateFile: tls/gateway.pem
            keyFile: tls/gateway-key.pem
          dataDirectory: /var/lib/rxiothub-gateway
          shutdownDrainMillis: 2000
          maxPendingPerLeaf: 4
          maxPendingBytes: 1_000_000
        metrics:
          port: 9464
        store:
          maxBytes: 1_048_576
          maxAgeSeconds: 3600
          overflow: drop-oldest
        azure:
          hostName: myhub.azure-devices.net
          caFile: hub-ca.pem
          leaves:
            - deviceId: leaf-1
              key: %s
              password: local-pass
            - deviceId: leaf-2
              key: env:LEAF2_KEY
            - deviceId: leaf-2
              moduleId: camera
              key: %s
        """.formatted(KEY, KEY));

    assertThat(config.hostName()).isEqualTo("gateway.local");
    assertThat(config.bindAddress()).isEqualTo("0.0.0.0");
    assertThat(config.mqttPort()).isEqualTo(1883);
    assertThat(config.tlsCertificateFile()).isEqualTo(BASE.resolve("tls/gateway.pem"));
    assertThat(config.dataDirectory()).isEqualTo(Path.of("/var/lib/rxiothub-gateway"));
    assertThat(config.shutdownDrainMillis()).isEqualTo(2000);
    assertThat(config.maxPendingPerLeaf()).isEqualTo(4);
    assertThat(config.maxPendingBytes()).isEqualTo(1_000_000);
    assertThat(config.metricsPort()).isEqualTo(9464);
    assertThat(config.metricsBindAddress()).isEqualTo("127.0.0.1");
    assertThat(config.storeMaxBytes()).isEqualTo(1_048_576);
    assertThat(config.storeOverflow()).isEqualTo(StoreOverflow.DROP_OLDEST);
    assertThat(config.hubHostName()).isEqualTo("myhub.azure-devices.net");
    assertThat(config.hubPort()).isEqualTo(8883);
    assertThat(config.hubCaFile()).isEqualTo(BASE.resolve("hub-ca.pem"));
    assertThat(config.leaves()).containsExactly(LeafDevice.of("leaf-1", KEY, "local-pass"),
        LeafDevice.of("leaf-2", KEY), LeafDevice.module("leaf-2", "camera", KEY, null));
    assertThat(config.leaves().get(2).clientId()).isEqualTo("leaf-2/camera");
  }

  @Test
  void readsJson() {
    GatewayConfig config = parse("""
        {"azure": {"hostName": "h.example", "port": 8884,
                   "leaves": [{"deviceId": "d1", "key": "%s"}]}}
        """.formatted(KEY));

    assertThat(config.hubPort()).isEqualTo(8884);
    assertThat(config.leaves()).extracting(LeafDevice::deviceId).containsExactly("d1");
    assertThat(config.maxPendingPerLeaf()).as("default").isEqualTo(16);
    assertThat(config.maxPendingBytes()).as("default").isEqualTo(64L * 1024 * 1024);
  }

  @Test
  void errorsNameTheLineAndTheRuleButNoSecret() {
    String head = "azure:\n  hostName: h.example\n  leaves:\n";
    assertError(head + "    - deviceId: d1\n      key: " + KEY + "\n      colour: red\n", 6,
        "unknown key 'colour' in a leaf; expected one of deviceId, key, moduleId, password");
    assertError(head + "    - deviceId: d1\n", 4, "leaf 'd1' needs 'key'");
    assertError(head + "    - deviceId: d1\n      key: env:NOPE\n", 5,
        "key names environment variable 'NOPE', which is not set");
    assertError("gateway:\n  tlsPort: 99999\n" + head + "    - {deviceId: d1, key: k}\n", 2,
        "99999 is out of range -1..65535");
    assertError("gateway:\n  maxPendingPerLeaf: 0\n" + head + "    - {deviceId: d1, key: k}\n", 2,
        "0 is out of range 1..65535");
    assertError("gateway:\n  maxPendingBytes: 1024\n" + head + "    - {deviceId: d1, key: k}\n", 2,
        "1024 is out of range 65536..");
    assertError("store:\n  overflow: sometimes\n" + head + "    - {deviceId: d1, key: k}\n", 2,
        "overflow 'sometimes' is not REJECT_NEW or DROP_OLDEST");
    assertError(head + "    - {deviceId: d1, key: " + KEY + "}\n    - {deviceId: d1, key: " + KEY + "}\n", 5,
        "leaf device id 'd1' is configured twice (first at line 4)");
    assertError("gateway:\n  hostName: [a, b]\n", 2, "expected a single value here");
    assertError("azure: {hostName: h.example, leaves: [\n", 2, "not valid YAML/JSON");
    assertError("metrics:\n  port: 1\n", 1, "'azure' is missing");
    assertError("", 0, "the file is empty");
  }

  private static void assertError(String text, int line, String rule) {
    assertThatThrownBy(() -> parse(text))
        .isInstanceOf(GatewayConfigException.class)
        .hasMessageContaining(rule)
        .hasMessageNotContaining(KEY)
        .satisfies(e -> assertThat(((GatewayConfigException) e).line()).isEqualTo(line))
        .satisfies(e -> assertThat(e.getMessage()).startsWith("gateway.yaml:" + (line == 0 ? " " : line + ":")));
  }

  @Test
  void theExampleConfigParses() throws Exception {
    Path file = Path.of("examples", "gateway-azure.yaml");
    GatewayConfig config = GatewayConfigFile.parse(Files.readString(file), file.toString(), file.getParent(),
        Map.of("THERMOSTAT_1_KEY", KEY, "METER_7_KEY", KEY, "METER_7_LOCAL_PASSWORD", "pw"));

    assertThat(config.leaves()).extracting(LeafDevice::deviceId).containsExactly("thermostat-1", "meter-7");
    assertThat(config.dataDirectory()).isEqualTo(Path.of("examples", "gateway-data"));
    assertThat(config.metricsPort()).isEqualTo(9464);
    assertThat(config.maxPendingPerLeaf()).isEqualTo(16);
    assertThat(config.maxPendingBytes()).isEqualTo(64L * 1024 * 1024);
  }

  @Test
  void readNamesAFileThatIsMissing(@TempDir Path dir) {
    assertThatThrownBy(() -> GatewayConfigFile.read(dir.resolve("nope.yaml")))
        .isInstanceOf(GatewayConfigException.class).hasMessageContaining("cannot read the configuration file");
  }

  @Test
  void readsAProvisioningGroupWithoutConfiguredLeaves() {
    GatewayConfig config = GatewayConfigFile.parse("""
        azure:
          hostName: myhub.azure-devices.net
          provisioning:
            idScope: 0ne00000001
            globalEndpoint: dps.local
            port: 8884
            caFile: dps-ca.pem
            groupKey: env:GROUP_KEY
        """, "gateway.yaml", BASE, Map.of("GROUP_KEY", KEY));

    LeafProvisioning dps = config.provisioning();
    assertThat(config.leaves()).isEmpty();
    assertThat(dps).isNotNull();
    assertThat(dps.idScope()).isEqualTo("0ne00000001");
    assertThat(dps.globalEndpoint()).isEqualTo("dps.local");
    assertThat(dps.port()).isEqualTo(8884);
    assertThat(dps.caFile()).isEqualTo(BASE.resolve("dps-ca.pem"));
    assertThat(dps.groupKey()).isEqualTo(KEY);
    assertThat(config.toString()).contains("idScope=0ne00000001").doesNotContain(KEY);
  }

  @Test
  void provisioningErrorsNameTheLineAndNeverTheKey() {
    assertThatThrownBy(() -> parse("""
        azure:
          hostName: h.example
          provisioning:
            groupKey: %s
        """.formatted(KEY)))
        .isInstanceOf(GatewayConfigException.class)
        .hasMessage("gateway.yaml:4: azure.provisioning needs 'idScope'");
    assertThatThrownBy(() -> parse("""
        azure:
          hostName: h.example
          provisioning:
            idScope: 0ne1
            groupKey: not base64 at all!
        """))
        .isInstanceOf(GatewayConfigException.class)
        .hasMessageStartingWith("gateway.yaml:5: groupKey must be the group's base64 key");
    assertThatThrownBy(() -> parse("""
        azure:
          hostName: h.example
        """))
        .isInstanceOf(GatewayConfigException.class)
        .hasMessage("gateway.yaml:2: azure (or 'provisioning') needs 'leaves'");
  }
}
