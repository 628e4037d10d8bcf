// The Watson scenario's round order: every client leads one round in turn, and the full profile's throwaway round
// runs every client, so no client is always measured first on a cold emulator.
package io.rxiothub.benchmarks.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class WatsonRoundOrderTest {

  private static final List<String> CLIENTS = List.of("a", "b", "c", "d");

  @Test
  void eachRoundStartsWithTheNextClient() {
    assertThat(E2eMain.roundOrder(CLIENTS, 0, true)).containsExactly("a", "b", "c", "d");
    assertThat(E2eMain.roundOrder(CLIENTS, 1, true)).containsExactly("b", "c", "d", "a");
    assertThat(E2eMain.roundOrder(CLIENTS, 2, false)).containsExactly("c", "d", "a", "b");
    assertThat(E2eMain.roundOrder(CLIENTS, 5, true)).containsExactly("b", "c", "d", "a");
  }

  @Test
  void theThrowawayRoundRunsEveryClientOnlyInTheFullProfile() {
    assertThat(E2eMain.roundOrder(CLIENTS, -1, true)).isEqualTo(CLIENTS);
    assertThat(E2eMain.roundOrder(CLIENTS, -1, false)).containsExactly("a");
  }
}
