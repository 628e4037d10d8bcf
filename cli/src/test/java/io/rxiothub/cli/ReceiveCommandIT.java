package io.rxiothub.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.rxiothub.emulator.DeviceIdentity;
import io.rxiothub.emulator.HubEmulator;
import io.rxiothub.emulator.HubEmulatorExtension;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ReceiveCommandIT {

  @RegisterExtension
  static final HubEmulatorExtension HUB = new HubEmulatorExtension();

  @Test
  void printsQueuedMessagesWithTheirPropertiesAndStopsAtCount(HubEmulator hub) {
    DeviceIdentity device = hub.registry().createDevice("listener");
    hub.sendCloudToDevice("listener", "first".getBytes(StandardCharsets.UTF_8), Map.of("color", "blue"))
        .blockingGet();
    hub.sendCloudToDevice("listener", "second".getBytes(StandardCharsets.UTF_8), Map.of("odd key", "a&b=c"))
        .blockingGet();

    Cli run = Cli.run(Cli.device(hub, device, "receive", "--count", "2"));

    assertThat(run.exitCode).as(run.toString()).isZero();
    assertThat(run.out).contains("message 1  first  {").contains("color=blue")
        .contains("message 2  second  {").contains("odd key=a&b=c");
  }

  @Test
  void aTimeoutBeforeCountExitsFive(HubEmulator hub) {
    DeviceIdentity device = hub.registry().createDevice("lonely");

    Cli run = Cli.run(Cli.device(hub, device, "receive", "--count", "1", "--timeout", "1"));

    assertThat(run.exitCode).as(run.toString()).isEqualTo(5);
    assertThat(run.out).doesNotContain("message 1");
  }

  @Test
  void aTimeoutWithoutCountIsANormalEnd(HubEmulator hub) {
    DeviceIdentity device = hub.registry().createDevice("patient");

    Cli run = Cli.run(Cli.device(hub, device, "receive", "--timeout", "1"));

    assertThat(run.exitCode).as(run.toString()).isZero();
    assertThat(run.err).contains("receiving cloud-to-device messages for patient");
  }

  @Test
  void aDisabledDeviceIsRefused(HubEmulator hub) {
    DeviceIdentity device = hub.registry().createDevice("disabled");
    hub.registry().setEnabled("disabled", false);

    Cli run = Cli.run(Cli.device(hub, device, "receive", "--count", "1"));

    assertThat(run.exitCode).isEqualTo(4);
    assertThat(run.err).contains("refused the connection as unavailable (CONNACK 3): the device may be disabled");
  }

  @Test
  void badBoundsAreUsageErrors(HubEmulator hub) {
    DeviceIdentity device = hub.registry().createDevice("bounds");

    assertThat(Cli.run(Cli.device(hub, device, "receive", "--count", "0")).exitCode).isEqualTo(2);
    assertThat(Cli.run(Cli.device(hub, device, "receive", "--timeout", "0")).err)
        .contains("--timeout must be at least 1 second");
  }
}
