// Edge routes (protocol.md §17.4): the source, sink and WHERE grammar, what matches, and the errors for bad routes.
package io.rxiothub.emulator.edge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class EdgeRouteTest {

  private static final Map<String, String> NONE = Map.of();

  static Stream<Arguments> sources() {
    // route source, module, output, matches?
    return Stream.of(
        Arguments.of("/*", null, null, true),
        Arguments.of("/messages/*", "a", "o", true),
        Arguments.of("/messages/modules/*", null, null, false),
        Arguments.of("/messages/modules/*", "a", null, true),
        Arguments.of("/messages/modules/a/*", "a", null, true),
        Arguments.of("/messages/modules/a/*", "b", "o", false),
        Arguments.of("/messages/modules/a/outputs/*", "a", null, false),
        Arguments.of("/messages/modules/a/outputs/*", "a", "o", true),
        Arguments.of("/messages/modules/a/outputs/o", "a", "o", true),
        Arguments.of("/messages/modules/a/outputs/o", "a", "p", false),
        Arguments.of("/messages/modules/a/outputs/o", "b", "o", false));
  }

  @ParameterizedTest(name = "FROM {0} with module {1} output {2}: {3}")
  @MethodSource("sources")
  void aSourceMatchesItsModulesAndOutputs(String source, String module, String output, boolean matches) {
    EdgeRoute route = EdgeRoute.parse("FROM " + source + " INTO $upstream");
    assertThat(route.matches(module, output, NONE, NONE)).isEqualTo(matches);
    assertThat(route.isUpstream()).isTrue();
  }

  @Test
  void aBrokeredEndpointNamesTheModuleAndInputAndKeywordsIgnoreCase() {
    EdgeRoute route = EdgeRoute.parse("  from /messages/modules/a/outputs/o into brokeredendpoint(\"/modules/b/inputs/i\") ");
    assertThat(route.isUpstream()).isFalse();
    assertThat(route.sinkModule()).isEqualTo("b");
    assertThat(route.sinkInput()).isEqualTo("i");
    assertThat(route.text()).startsWith("from /messages");
  }

  static Stream<Arguments> conditions() {
    Map<String, String> system = Map.of("$.ct", "application/json", "$.cmid", "sensor");
    Map<String, String> app = Map.of("temperature", "35.5", "kind", "alert", "ok", "true");
    // condition, matches?
    return Stream.of(
        Arguments.of("temperature > 30", system, app, true),
        Arguments.of("temperature <= 30", system, app, false),
        Arguments.of("temperature >= 35.5 AND kind = 'alert'", system, app, true),
        Arguments.of("kind != 'alert' OR $contentType = 'application/json'", system, app, true),
        Arguments.of("NOT (kind = 'alert')", system, app, false),
        Arguments.of("$connectionModuleId = 'sensor'", system, app, true),
        Arguments.of("ok = true", system, app, true),
        Arguments.of("missing = 'x'", system, app, false),
        Arguments.of("NOT (missing = 'x')", system, app, false),
        Arguments.of("missing = 'x' OR kind = 'alert'", system, app, true),
        Arguments.of("IS_DEFINED(kind) AND NOT IS_DEFINED(missing)", system, app, true),
        Arguments.of("kind <> 'it''s'", system, app, true));
  }

  @ParameterizedTest(name = "WHERE {0}: {3}")
  @MethodSource("conditions")
  void aConditionIsEvaluatedWithUndefinedAsNoMatch(String condition, Map<String, String> system,
      Map<String, String> app, boolean matches) {
    EdgeRoute route = EdgeRoute.parse("FROM /messages/* WHERE " + condition + " INTO $upstream");
    assertThat(route.matches("sensor", "o", system, app)).isEqualTo(matches);
  }

  static Stream<Arguments> badRoutes() {
    return Stream.of(
        Arguments.of("no INTO", "FROM /messages/*", "FROM <source> [WHERE <condition>] INTO <sink>"),
        Arguments.of("twin notifications", "FROM /twinChangeNotifications INTO $upstream", "source '/twinChange"),
        Arguments.of("unknown source", "FROM /messages/devices/* INTO $upstream", "is not one of"),
        Arguments.of("unknown sink", "FROM /* INTO $downstream", "sink '$downstream'"),
        Arguments.of("sink without input", "FROM /* INTO BrokeredEndpoint(\"/modules/b\")", "sink"),
        Arguments.of("function", "FROM /* WHERE UPPER(kind) = 'A' INTO $upstream", "WHERE"),
        Arguments.of("body query", "FROM /* WHERE $body.t > 3 INTO $upstream", "$body.t"),
        Arguments.of("open string", "FROM /* WHERE kind = 'a INTO $upstream", "closing quote"),
        Arguments.of("missing parenthesis", "FROM /* WHERE (kind = 'a' INTO $upstream", "')'"),
        Arguments.of("module with +", "FROM /messages/modules/a+/* INTO $upstream", "source module 'a+'"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badRoutes")
  void aBadRouteIsRefusedQuotingItAndNamingThePart(String name, String route, String message) {
    assertThatIllegalArgumentException().isThrownBy(() -> EdgeRoute.parse(route))
        .withMessageStartingWith("route '").withMessageContaining(message);
  }

  @Test
  void nullIsRefused() {
    assertThatIllegalArgumentException().isThrownBy(() -> EdgeRoute.parse(null)).withMessage("route must not be null");
  }
}
