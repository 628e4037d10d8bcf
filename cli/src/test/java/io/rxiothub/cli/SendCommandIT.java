package io.rxiothub.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.rxiothub.emulator.DeviceIdentity;
import io.rxiothub.emulator.HubEmulator;
import io.rxiothub.emulator.HubEmulatorExtension;
import io.rxiothub.emulator.TelemetryMessage;
import io.rxiothub.cli.wire.TapCertificate;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SendCommandIT {

  @RegisterExtension
  static final HubEmulatorExtension HUB = new HubEmulatorExtension();

  static DeviceIdentity device;

  @BeforeAll
  static void register() {
    device = HUB.createDevice("sender");
  }

  @Test
  void sendsOneMessageWithPropertiesAndContentType(HubEmulator hub) {
    hub.clearTelemetry();
    Cli run = Cli.run(Cli.device(hub, device, "send", "--property", "room=kitchen", "-p", "level=3",
        "--content-type", "application/json", "{\"t\":21.5}"));

    assertThat(run.exitCode).as(run.toString()).isZero();
    assertThat(run.out).contains("sent 1 message (10 bytes), acknowledged in");
    List<TelemetryMessage> got = hub.telemetry("sender");
    assertThat(got).hasSize(1);
    assertThat(got.get(0).payloadAsString()).isEqualTo("{\"t\":21.5}");
    assertThat(got.get(0).applicationProperties()).containsEntry("room", "kitchen").containsEntry("level", "3");
    assertThat(got.get(0).systemProperties()).containsEntry("$.ct", "application/json")
        .containsEntry("$.ce", "utf-8");
  }

  @Test
  void sendsCountMessagesAtARateAndSummarises(HubEmulator hub) {
    hub.clearTelemetry();
    Cli run = Cli.run(Cli.device(hub, device, "send", "--count", "25", "--rate", "500", "n={i}"));

    assertThat(run.exitCode).as(run.toString()).isZero();
    assertThat(run.out).contains("sent 25 of 25 messages: 25 acked, 0 failed in");
    assertThat(hub.telemetry("sender")).extracting(TelemetryMessage::payloadAsString)
        .containsExactlyInAnyOrderElementsOf(java.util.stream.IntStream.rangeClosed(1, 25).mapToObj(i -> "n=" + i)
            .toList());
  }

  @Test
  void sendsOverWebSocket(HubEmulator hub) {
    hub.clearTelemetry();
    Cli run = Cli.run("send", "-c", device.connectionString(), "--ca-file", hub.caFile().toString(), "--transport",
        "mqtt_ws", "--port", Integer.toString(hub.webSocketPort()), "over websocket");

    assertThat(run.exitCode).as(run.toString()).isZero();
    assertThat(hub.telemetry("sender")).extracting(TelemetryMessage::payloadAsString)
        .containsExactly("over websocket");
  }

  @Test
  void readsThePayloadFromAFile(HubEmulator hub, @TempDir Path dir) throws IOException {
    hub.clearTelemetry();
    Path file = dir.resolve("body.json");
    Files.writeString(file, "{\"from\":\"file\"}");
    Cli run = Cli.run(Cli.device(hub, device, "send", "--file", file.toString()));

    assertThat(run.exitCode).as(run.toString()).isZero();
    assertThat(hub.telemetry("sender")).extracting(TelemetryMessage::payloadAsString)
        .containsExactly("{\"from\":\"file\"}");
  }

  @Test
  void readsThePayloadFromStdinWhenThereIsNoArgument(HubEmulator hub) {
    hub.clearTelemetry();
    java.io.InputStream stdin = System.in;
    System.setIn(new java.io.ByteArrayInputStream("from stdin".getBytes(StandardCharsets.UTF_8)));
    try {
      Cli run = Cli.run(Cli.device(hub, device, "send"));

      assertThat(run.exitCode).as(run.toString()).isZero();
    } finally {
      System.setIn(stdin);
    }
    assertThat(hub.telemetry("sender")).extracting(TelemetryMessage::payloadAsString).containsExactly("from stdin");
  }

  @Test
  void aPayloadArgumentAndAFileConflict(HubEmulator hub) {
    Cli run = Cli.run(Cli.device(hub, device, "send", "--file", "x.json", "payload"));

    assertThat(run.exitCode).isEqualTo(2);
    assertThat(run.err).contains("as an argument or with --file, not both");
  }

  @Test
  void wirePrintsThePacketsOnStderr(HubEmulator hub) {
    Cli run = Cli.run(Cli.device(hub, device, "send", "--wire", "-p", "k=v", "x"));

    assertThat(run.exitCode).as(run.toString()).isZero();
    assertThat(run.err).contains("dev -> hub  CONNECT  client id sender")
        .contains("dev -> hub  PUBLISH  qos 1 id 1 devices/sender/messages/events/%24.cdid=sender&k=v  x")
        .contains("dev <- hub  PUBACK  id 1")
        .contains("sig=<redacted>")
        .doesNotContain(device.primaryKey());
  }

  @Test
  void aMalformedConnectionStringIsOneLineAndExitTwo() {
    Cli run = Cli.run("send", "-c", "HostName=h;DeviceId=d;SharedAccessKey=%%%", "x");

    assertThat(run.exitCode).isEqualTo(2);
    assertThat(run.err.trim()).startsWith("error: invalid connection string").doesNotContain("\n")
        .doesNotContain("%%%");
  }

  @Test
  void anUnreachablePortSaysSoAndExitsFour(HubEmulator hub) throws IOException {
    int freePort;
    try (ServerSocket socket = new ServerSocket(0)) {
      freePort = socket.getLocalPort();
    }
    Cli run = Cli.run("send", "-c", device.connectionString(), "--ca-file", hub.caFile().toString(), "--port",
        Integer.toString(freePort), "x");

    assertThat(run.exitCode).as(run.toString()).isEqualTo(4);
    assertThat(run.err).startsWith("error: cannot reach localhost:" + freePort)
        .contains("is the hub or `rxiothub emulator` running").doesNotContain("Exception");
    assertThat(run.err.trim().lines()).hasSize(1);
  }

  @Test
  void anUnknownHostSaysWhichFieldToCheck() {
    Cli run = Cli.run("send", "-c", "HostName=no-such-host.invalid;DeviceId=d;SharedAccessKey="
        + Base64.getEncoder().encodeToString(new byte[32]), "x");

    assertThat(run.exitCode).as(run.toString()).isEqualTo(4);
    assertThat(run.err.trim()).isEqualTo("error: unknown host no-such-host.invalid: check HostName (or"
        + " GatewayHostName) in the connection string");
  }

  @Test
  void refusedCredentialsSayWhatToCheck(HubEmulator hub) {
    String wrongKey = device.connectionString().replaceAll("SharedAccessKey=.*",
        "SharedAccessKey=" + Base64.getEncoder().encodeToString(new byte[32]));
    Cli run = Cli.run("send", "-c", wrongKey, "--ca-file", hub.caFile().toString(), "--port",
        Integer.toString(hub.mqttPort()), "x");

    assertThat(run.exitCode).as(run.toString()).isEqualTo(4);
    assertThat(run.err.trim().lines()).hasSize(1);
    assertThat(run.err).contains("refused the credentials (CONNACK 5)").contains("check DeviceId and SharedAccessKey")
        .doesNotContain(Base64.getEncoder().encodeToString(new byte[32]));
  }

  @Test
  void aWrongCaFileIsATlsFailure(HubEmulator hub, @TempDir Path dir) throws Exception {
    Path otherCa = dir.resolve("other-ca.pem");
    Files.writeString(otherCa, "-----BEGIN CERTIFICATE-----\n" + Base64.getMimeEncoder().encodeToString(
        TapCertificate.generate().certificate().getEncoded()) + "\n-----END CERTIFICATE-----\n",
        StandardCharsets.US_ASCII);
    Cli run = Cli.run("send", "-c", device.connectionString(), "--ca-file", otherCa.toString(), "--port",
        Integer.toString(hub.mqttPort()), "x");

    assertThat(run.exitCode).as(run.toString()).isEqualTo(4);
    assertThat(run.err.trim().lines()).hasSize(1);
    assertThat(run.err).contains("error: TLS with localhost:" + hub.mqttPort() + " failed")
        .contains("not signed by the CA of --ca-file");
  }

  @Test
  void aMissingCaFileIsBadInput(HubEmulator hub) {
    Cli run = Cli.run("send", "-c", device.connectionString(), "--ca-file", "/no/such/ca.pem", "x");

    assertThat(run.exitCode).isEqualTo(2);
    assertThat(run.err).contains("--ca-file /no/such/ca.pem does not exist");
  }

  @Test
  void verboseAddsTheStackTrace(HubEmulator hub) {
    String wrongKey = device.connectionString().replaceAll("SharedAccessKey=.*",
        "SharedAccessKey=" + Base64.getEncoder().encodeToString(new byte[32]));
    Cli run = Cli.run("send", "--verbose", "-c", wrongKey, "--ca-file", hub.caFile().toString(), "--port",
        Integer.toString(hub.mqttPort()), "x");

    assertThat(run.exitCode).isEqualTo(4);
    assertThat(run.err).contains("IotHubConnectionRefusedException").contains("\tat ");
  }
}
