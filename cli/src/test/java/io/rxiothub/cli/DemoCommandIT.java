package io.rxiothub.cli;

import static org.assertj.core.api.Assertions.assertThat;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 120, unit = TimeUnit.SECONDS)
class DemoCommandIT {

  @Test
  void runsEveryStepAndShowsTheWire() {
    Cli run = Cli.run("demo");

    assertThat(run.exitCode).as(run.toString()).isZero();
    assertThat(run.out)
        .contains(" 1/11  start the hub emulator", " 2/11  provision the device through DPS")
        .contains("assigned to hub localhost as device demo-device (initialAssignment)")
        .contains("connection string HostName=localhost;DeviceId=demo-device;SharedAccessKey=<redacted>")
        .contains("10/11  reconnect after the hub drops the connection")
        .contains("11/11  upload a file (blob storage over HTTPS)")
        .contains("the back end got the notification: succeeded, 37 bytes")
        .contains("All 11 steps succeeded")
        .doesNotContain("FAILED")
        // the wire, as the tap decoded it
        .contains("dev -> hub  CONNECT  client id demo-device")
        .contains("dev -> hub  PUBLISH  qos 1 id 1 devices/demo-device/messages/events/%24.mid=demo-1"
            + "&%24.ct=application%2Fjson&%24.ce=utf-8&%24.cdid=demo-device&room=kitchen&alert=false")
        .contains("dev <- hub  PUBLISH  qos 1 id 1 devices/demo-device/messages/devicebound/")
        .containsPattern("dev -> hub  PUBLISH  qos 1 id \\d+ \\$iothub/twin/GET/\\?\\$rid=\\d+")
        .contains("$iothub/twin/PATCH/properties/reported/?$rid=")
        .contains("dev <- hub  PUBLISH  qos 1 id 1 $iothub/twin/PATCH/properties/desired/?$version=3")
        .contains("$iothub/methods/POST/reboot/?$rid=")
        .containsPattern("\\$iothub/methods/res/200/\\?\\$rid=\\d+")
        .contains("session present 1")
        .contains("device got \"turn the fan on\"", "delivery feedback Success", "status 200")
        // the back end's side went through the service REST API
        .contains("PUT /enrollmentGroups/demo-fleet (DPS service API)",
            "GET /emulator/monitor) got {\"temperature\":21.5", "POST /twins/demo-device/methods reboot",
            "(POST /emulator/devices/demo-device/drop)", "the back end now sees reported {");
  }

  @Test
  void neverPrintsAKeyOrSignature() {
    Cli run = Cli.run("demo", "--device", "quiet-device");

    assertThat(run.exitCode).as(run.toString()).isZero();
    assertThat(run.out).contains("SharedAccessKey=<redacted>", "sig=<redacted>")
        .doesNotContainPattern("SharedAccessKey=[A-Za-z0-9+/]")
        .doesNotContainPattern("sig=[A-Za-z0-9%]");
  }

  @Test
  void leavesNoNonDaemonThreadBehind() {
    Set<Thread> before = nonDaemonThreads();

    assertThat(Cli.run("demo", "--device", "tidy-device").exitCode).isZero();

    await().pollInSameThread().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(nonDaemonThreads())
        .as("non-daemon threads left by the demo").isSubsetOf(before));
  }

  private static Set<Thread> nonDaemonThreads() {
    return Thread.getAllStackTraces().keySet().stream().filter(t -> t.isAlive() && !t.isDaemon())
        .collect(Collectors.toSet());
  }

  @Test
  void aFailingStepStopsTheDemoWithExitOneAfterClosingEverything() {
    Cli run = Cli.run("demo", "--device", "bad/id");

    assertThat(run.exitCode).as(run.toString()).isEqualTo(1);
    assertThat(run.out).contains(" 1/11  start the hub emulator").containsPattern(" 2/11  provision the device through DPS +FAILED")
        .contains("error: ").contains("closed the client, the tap and the emulator")
        .doesNotContain("3/11").doesNotContain("steps succeeded");
  }

  @Test
  void rejectsABadStepTimeout() {
    Cli run = Cli.run("demo", "--step-timeout", "0");

    assertThat(run.exitCode).isEqualTo(2);
    assertThat(run.err).contains("--step-timeout must be at least 1 second");
  }
}
