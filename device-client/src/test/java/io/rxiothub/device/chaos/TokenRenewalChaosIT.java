// Chaos suite: many SAS token renewals during traffic (short lifetimes stand in for hours of one-hour tokens):
// each renewal comes before the hub's expiry, no send fails, and there is no reconnect storm.
package io.rxiothub.device.chaos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.rxiothub.device.ConnectionState;
import io.rxiothub.device.ConnectionState.Reason;
import io.rxiothub.device.ConnectionState.Status;
import io.rxiothub.emulator.HubEmulatorExtension;
import io.rxiothub.testing.NoLeaksExtension;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

@ExtendWith(NoLeaksExtension.class)
class TokenRenewalChaosIT {

  @RegisterExtension
  static final HubEmulatorExtension HUB = new HubEmulatorExtension(b -> b.telemetryRetention(100_000));

  private static final int RENEWALS = 8;
  private static final int MESSAGES = 4_000;

  static long renewals(ChaosRun run) {
    return run.states.stream().filter(s -> s.reason() == Reason.TOKEN_RENEWAL).count();
  }

  @Test
  @Timeout(180)
  void renewsBeforeExpiryUnderLoadWithoutFailedSendsOrReconnectStorms() throws Exception {
    // 4 s tokens renewed at half their life: the hub closes a connection at its token's expiry, so a late
    // renewal would show up as a NETWORK_LOST state and a failed or resent send.
    ChaosRun run = new ChaosRun(HUB.hub(), HUB.createDevice("chaos-renewal"), MESSAGES, 100)
        .options(b -> b.sasTokenTimeToLiveSeconds(4).sasTokenRenewalMargin(0.5));
    int step = MESSAGES / (RENEWALS + 1);
    for (int k = 1; k <= RENEWALS; k++) {
      long wanted = k;
      // Spread the stream over the renewals: wait (bounded) for the k-th renewal before going on.
      run.at(k * step, r -> await("renewal " + wanted).atMost(Duration.ofSeconds(30))
          .until(() -> renewals(r) >= wanted));
    }
    run.runAndCheck();

    List<ConnectionState> states = run.states;
    assertThat(states).filteredOn(s -> s.status() == Status.RECONNECTING)
        .as("every reconnect is a planned renewal").allMatch(s -> s.reason() == Reason.TOKEN_RENEWAL);
    assertThat(states).noneMatch(s -> s.reason() == Reason.NETWORK_LOST || s.reason() == Reason.TOKEN_EXPIRED);
    long renewals = renewals(run);
    assertThat(renewals).isGreaterThanOrEqualTo(RENEWALS);
    assertThat(HUB.hub().faults().acceptedConnections("chaos-renewal"))
        .as("one connection per renewal, no storm").isEqualTo(renewals + 1);
    assertThat(run.duplicates).as("nothing resent around renewals").isZero();
  }
}
