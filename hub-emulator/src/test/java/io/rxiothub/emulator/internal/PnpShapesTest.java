// The Plug and Play shapes the emulator checks in reported patches (protocol.md §17.3) and the model id it reads.
package io.rxiothub.emulator.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class PnpShapesTest {

  static Stream<Arguments> patches() {
    return Stream.of(
        Arguments.of("a component section", "{\"c1\":{\"__t\":\"c\",\"p\":1}}", null),
        Arguments.of("an ack in a component", "{\"c1\":{\"__t\":\"c\",\"p\":{\"value\":1,\"ac\":200,\"av\":2,"
            + "\"ad\":\"ok\"}}}", null),
        Arguments.of("a plain object", "{\"settings\":{\"a\":1}}", null),
        Arguments.of("a marker other than c", "{\"c1\":{\"__t\":\"x\"}}", "c1.__t must be \"c\""),
        Arguments.of("a marker that is no string", "{\"c1\":{\"__t\":1}}", "c1.__t must be \"c\""),
        Arguments.of("an ack without value", "{\"p\":{\"ac\":200,\"av\":2}}", "p is a writable property ack"),
        Arguments.of("a textual ac", "{\"c1\":{\"__t\":\"c\",\"p\":{\"value\":1,\"ac\":\"200\",\"av\":2}}}",
            "c1.p.ac must be an integer"),
        Arguments.of("a missing av", "{\"p\":{\"value\":1,\"ac\":200}}", "p.av must be the integer"),
        Arguments.of("a numeric ad", "{\"p\":{\"value\":1,\"ac\":200,\"av\":1,\"ad\":5}}", "p.ad must be a string"),
        Arguments.of("no JSON (left to the twin store)", "{", null));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("patches")
  void violationNamesThePathAndTheRule(String what, String patch, String expected) {
    String violation = PnpShapes.violation(patch.getBytes(StandardCharsets.UTF_8));
    if (expected == null) {
      assertThat(violation).isNull();
    } else {
      assertThat(violation).startsWith(expected);
    }
  }

  @Test
  void onlyIdentitiesWhoseLastConnectNamedAModelAreChecked() {
    PnpShapes shapes = new PnpShapes();
    Identity dev = new Identity("d", null);
    shapes.connected(dev, "h.azure-devices.net/d/?api-version=2021-04-12&model-id=dtmi%3Acom%3Aexample%3AT%3B1");
    assertThat(shapes.isPnp(dev)).isTrue();
    assertThat(PnpShapes.modelId("h/d/?model-id=dtmi%3Aa%3B1")).isEqualTo("dtmi:a;1");
    shapes.connected(dev, "h.azure-devices.net/d/?api-version=2021-04-12");
    assertThat(shapes.isPnp(dev)).isFalse();
  }
}
