// `rxiothub watson`: the emulator's organisation mode in the foreground, and a gateway publishing for a device.
package io.rxiothub.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.rxiothub.emulator.watson.WatsonEmulator;
import io.rxiothub.testing.SecretScanner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class WatsonCommandIT {

  @Test
  void aGatewayPublishesForADeviceBehindItAndAWrongTokenExitsWith4(@TempDir Path dir) throws Exception {
    try (WatsonEmulator org = WatsonEmulator.builder().build()) {
      org.start();
      String token = org.registerGateway("gw", "g1");
      SecretScanner.register(token);
      Path ca = dir.resolve("ca.pem");
      Files.writeString(ca, org.caCertificatePem());
      String[] common = {"watson", "publish", "--org", "abc123", "--gateway", "gw/g1", "--host", "localhost",
          "--port", Integer.toString(org.mqttPort()), "--ca-file", ca.toString(), "--device", "sensor/s1"};

      Cli ok = Cli.run(Cli.concat(common, "--token", token, "{\"t\":21}"));
      assertThat(ok.exitCode).as(ok.toString()).isZero();
      assertThat(ok.out).contains("published GatewayEvent{sensor/s1 status");
      assertThat(org.events()).singleElement().satisfies(e -> assertThat(e.payloadAsString()).isEqualTo("{\"t\":21}"));

      Cli refused = Cli.run(Cli.concat(common, "--token", "not-the-token-123456", "{}"));
      assertThat(refused.exitCode).as(refused.toString()).isEqualTo(4);
      assertThat(refused.err).contains("CONNACK return code 4").doesNotContain("not-the-token");
    }
  }

  @Test
  void theEmulatorPrintsHowToConnectAndRunsForTheTimeAsked(@TempDir Path dir) {
    Cli run = Cli.run("watson", "emulator", "--port", "0", "--run-for", "1", "--ca-file",
        dir.resolve("ca.pem").toString());
    assertThat(run.exitCode).as(run.toString()).isZero();
    assertThat(run.out).contains("Watson IoT organisation abc123 on abc123.messaging.watson.localhost")
        .contains("gateway g:abc123:gwtype:gw1  user use-token-auth  token ");
    assertThat(dir.resolve("ca.pem")).exists();
  }

  @Test
  void theWatsonTourRunsEveryStepShowsTheWireAndNeverTheToken() {
    Cli run = Cli.run("demo", "watson");
    assertThat(run.exitCode).as(run.toString()).isZero();
    assertThat(run.out).contains("All 6 steps succeeded").doesNotContain("FAILED")
        .contains("dev -> hub  CONNECT  client id g:abc123:gwtype:gw1")
        .contains("password <redacted>")
        .contains("iot-2/type/sensor/id/s2/evt/status/fmt/json")
        .contains("now registered by gwtype/gw1")
        .contains("gateway got fan {\"on\":true} for sensor/s1")
        .contains("RC 403")
        .contains("iotdevice-1/type/sensor/id/s1/response")
        .contains("the organisation got rc 202");
  }

  @Test
  void aGatewayListensToACommandAnApplicationSendsAndManageAnswersAReboot(@TempDir Path dir) throws Exception {
    try (WatsonEmulator org = WatsonEmulator.builder().build()) {
      org.start();
      String token = org.registerGateway("gw", "g2");
      SecretScanner.register(token);
      var key = org.createApiKey();
      SecretScanner.register(key.token());
      Path ca = dir.resolve("ca.pem");
      Files.writeString(ca, org.caCertificatePem());
      String[] gateway = {"--org", "abc123", "--gateway", "gw/g2", "--token", token, "--host", "localhost",
          "--port", Integer.toString(org.mqttPort()), "--ca-file", ca.toString()};

      Cli.Running listen = Cli.start(Cli.concat(Cli.concat(new String[] {"watson", "listen"}, gateway),
          "--devices", "valve/+", "--count", "1", "--run-for", "30"));
      // the gateway's subscription is in place once it says so; the application's command then reaches it
      org.registerDevice("valve", "v1");
      Cli sent = null;
      for (int i = 0; i < 100 && !listen.out().contains("command valve/v1"); i++) {
        if (listen.out().contains("listening as")) {
          sent = Cli.run("watson", "command", "--org", "abc123", "--api-key", key.key(), "--token", key.token(),
              "--host", "localhost", "--port", Integer.toString(org.mqttPort()), "--ca-file", ca.toString(),
              "--device", "valve/v1", "open", "{\"pct\":40}");
          assertThat(sent.exitCode).as(sent.toString()).isZero();
        }
        Thread.sleep(200);
      }
      assertThat(sent).as("the command was sent").isNotNull();
      assertThat(sent.out).contains("sent open to valve/v1 as a:abc123:rxiothub-cli");
      Cli listened = listen.await();
      assertThat(listened.exitCode).as(listened.toString()).isZero();
      assertThat(listened.out).contains("command valve/v1 open json {\"pct\":40}");

      Cli.Running manage = Cli.start(Cli.concat(Cli.concat(new String[] {"watson", "manage"}, gateway),
          "--device", "sensor/m1", "--lifetime", "3600", "--firmware", "--count", "2", "--run-for", "60"));
      for (int i = 0; i < 100 && !org.deviceManagement().isManaged("sensor", "m1"); i++) {
        Thread.sleep(100);
      }
      assertThat(org.deviceManagement().manageRequest("sensor", "m1").lifetimeSeconds()).isEqualTo(3600);
      // the request subscriptions may still be on their way when manage is answered: a platform retries
      Integer rc = null;
      for (int attempt = 0; attempt < 5 && rc == null; attempt++) {
        rc = org.deviceManagement().initiate("sensor", "m1", io.rxiothub.watson.DmOperation.REBOOT, null,
            java.time.Duration.ofSeconds(4)).map(m -> (Integer) m.rc()).onErrorReturnItem(-1).blockingGet();
        rc = rc == -1 ? null : rc;
      }
      assertThat(rc).isEqualTo(202);
      io.rxiothub.watson.Firmware firmware = org.deviceManagement().firmwareDownload("sensor", "m1",
          io.rxiothub.watson.Firmware.builder().version("2.0").uri("https://firmware.example/2.0.bin").build(),
          java.time.Duration.ofSeconds(20)).blockingGet();
      assertThat(firmware.state()).isEqualTo(io.rxiothub.watson.Firmware.STATE_DOWNLOADED);
      Cli managed = manage.await();
      assertThat(managed.exitCode).as(managed.toString()).isZero();
      assertThat(managed.out).contains("manage sensor/m1: rc 200")
          .contains("request device/reboot for sensor/m1 answered 202")
          .contains("firmware download 2.0 from https://firmware.example/2.0.bin: done");
      assertThat(listened.out + managed.out + sent.out).doesNotContain(token).doesNotContain(key.token());
    }
  }
}
