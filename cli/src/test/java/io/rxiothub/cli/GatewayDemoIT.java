// `rxiothub demo gateway`: every step of the field gateway tour succeeds, the outage loses nothing, no key printed.
package io.rxiothub.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 120, unit = TimeUnit.SECONDS)
class GatewayDemoIT {

  @Test
  void theGatewayTourRunsEveryStepAndLosesNothingInTheOutage() {
    Cli run = Cli.run("demo", "gateway");

    assertThat(run.exitCode).as(run.toString()).isZero();
    assertThat(run.out).contains("All 5 steps succeeded").doesNotContain("FAILED")
        .contains(" 1/5   start a hub emulator and a gateway")
        .contains("leaf-b was unknown: the gateway registered it with DPS before its CONNACK; the hub now has "
            + "device leaf-b: true")
        .contains("the gateway's store holds 20; the hub still has 5 + 5")
        .contains("leaf-a: the hub has m-0 .. m-14 in order, none missing")
        .contains("leaf-b: the hub has m-0 .. m-14 in order, none missing")
        .contains("SharedAccessKey=<redacted>")
        .doesNotContainPattern("SharedAccessKey=[A-Za-z0-9+/]");
  }
}
