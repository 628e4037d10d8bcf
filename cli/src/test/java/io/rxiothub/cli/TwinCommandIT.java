package io.rxiothub.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.rxiothub.emulator.DeviceIdentity;
import io.rxiothub.emulator.HubEmulator;
import io.rxiothub.emulator.HubEmulatorExtension;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TwinCommandIT {

  @RegisterExtension
  static final HubEmulatorExtension HUB = new HubEmulatorExtension();

  @Test
  void getPrintsTheTwinAsPrettyJson(HubEmulator hub) {
    DeviceIdentity device = HUB.createDevice("twin-get");
    hub.updateDesired("twin-get", "{\"interval\":30}").blockingGet();

    Cli run = Cli.run(Cli.device(hub, device, "twin", "get"));

    assertThat(run.exitCode).as(run.toString()).isZero();
    assertThat(run.out).contains("\"desired\" : {").contains("\"interval\" : 30").contains("\"reported\" : {")
        .contains("\"$version\" : 2");
  }

  @Test
  void reportPatchesReportedProperties(HubEmulator hub) {
    DeviceIdentity device = HUB.createDevice("twin-report");

    Cli run = Cli.run(Cli.device(hub, device, "twin", "report", "{\"battery\":61,\"mode\":\"eco\"}"));

    assertThat(run.exitCode).as(run.toString()).isZero();
    assertThat(run.out).contains("reported $version 2");
    assertThat(hub.twin("twin-report").blockingGet()).contains("\"battery\":61").contains("\"mode\":\"eco\"");
  }

  @Test
  void ackReportsAPlugAndPlayAcknowledgementInItsComponentSection(HubEmulator hub) {
    DeviceIdentity device = HUB.createDevice("twin-ack");

    Cli run = Cli.run(Cli.device(hub, device, "twin", "ack", "--component", "thermostat1", "--av", "4",
        "--description", "applied", "targetTemperature", "22.5"));

    assertThat(run.exitCode).as(run.toString()).isZero();
    assertThat(run.out).contains("reported $version 2");
    assertThat(hub.twin("twin-ack").blockingGet()).contains("\"thermostat1\":{\"__t\":\"c\",\"targetTemperature\":"
        + "{\"value\":22.5,\"ac\":200,\"av\":4,\"ad\":\"applied\"}}");
  }

  @Test
  void ackRefusesANameThatIsNoDtdlName(HubEmulator hub) {
    DeviceIdentity device = HUB.createDevice("twin-ack-bad");

    Cli run = Cli.run(Cli.device(hub, device, "twin", "ack", "--av", "1", "target temperature", "1"));

    assertThat(run.exitCode).isEqualTo(2);
    assertThat(run.err).startsWith("error: ").contains("not a DTDL name");
  }

  @Test
  void reportRejectsJsonThatIsNotAnObject(HubEmulator hub) {
    DeviceIdentity device = HUB.createDevice("twin-bad");

    Cli run = Cli.run(Cli.device(hub, device, "twin", "report", "[1,2"));

    assertThat(run.exitCode).isEqualTo(2);
    assertThat(run.err).startsWith("error: ");
  }

  @Test
  void reportOfAPatchTheHubRejectsExitsOne(HubEmulator hub) {
    DeviceIdentity device = HUB.createDevice("twin-limits");
    String tooDeep = "{\"a\":".repeat(12) + "1" + "}".repeat(12);

    Cli run = Cli.run(Cli.device(hub, device, "twin", "report", tooDeep));

    assertThat(run.exitCode).as(run.toString()).isIn(1, 2);
    assertThat(run.err).startsWith("error: ");
  }

  @Test
  void watchPrintsEachDesiredUpdateInOrder(HubEmulator hub) {
    DeviceIdentity device = HUB.createDevice("twin-watch");

    Cli.Running watch = Cli.start(Cli.device(hub, device, "twin", "watch", "--count", "2"));
    await().atMost(Duration.ofSeconds(30)).until(() -> watch.err().contains("watching desired properties"));
    hub.updateDesired("twin-watch", "{\"interval\":10}").blockingGet();
    hub.updateDesired("twin-watch", "{\"interval\":20}").blockingGet();
    Cli run = watch.await();

    assertThat(run.exitCode).as(run.toString()).isZero();
    assertThat(run.out).containsSubsequence("{\"interval\":10,\"$version\":2}", "{\"interval\":20,\"$version\":3}");
  }
}
