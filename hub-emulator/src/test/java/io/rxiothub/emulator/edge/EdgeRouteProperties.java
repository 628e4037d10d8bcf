// Properties of Edge route conditions (protocol.md §17.4): numeric comparisons agree with Java's, and any text is
// either a route or refused with an IllegalArgumentException.
package io.rxiothub.emulator.edge;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

class EdgeRouteProperties {

  @Property(tries = 300)
  void aNumericComparisonAgreesWithJava(@ForAll @IntRange(min = -1000, max = 1000) int value,
      @ForAll @IntRange(min = -1000, max = 1000) int limit) {
    EdgeRoute gt = EdgeRoute.parse("FROM /* WHERE t > " + limit + " INTO $upstream");
    EdgeRoute eq = EdgeRoute.parse("FROM /* WHERE t = " + limit + " INTO $upstream");
    Map<String, String> app = Map.of("t", String.valueOf(value));
    assertThat(gt.matches(null, null, Map.of(), app)).isEqualTo(value > limit);
    assertThat(eq.matches(null, null, Map.of(), app)).isEqualTo(value == limit);
  }

  @Property(tries = 500)
  void anyConditionTextParsesOrIsRefusedWithAnIllegalArgument(@ForAll String condition) {
    try {
      EdgeRoute route = EdgeRoute.parse("FROM /* WHERE " + condition + " INTO $upstream");
      route.matches("m", "o", Map.of("$.ct", "x"), Map.of("a", "1"));
    } catch (IllegalArgumentException refused) {
      assertThat(refused.getMessage()).startsWith("route '");
    }
  }
}
