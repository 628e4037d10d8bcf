// Plug and Play command names (protocol.md §17.3): "{component}*{command}", round trips and the DTDL rule.
package io.rxiothub.methods;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class CommandNameTest {

  @Test
  void aComponentCommandIsSplitAtTheStar() {
    CommandName name = CommandName.parse("thermostat1*getMaxMinReport");
    assertThat(name.component()).isEqualTo("thermostat1");
    assertThat(name.command()).isEqualTo("getMaxMinReport");
    assertThat(name.methodName()).isEqualTo("thermostat1*getMaxMinReport");
  }

  @Test
  void aCommandWithoutStarBelongsToTheDefaultComponent() {
    CommandName name = CommandName.parse("reboot");
    assertThat(name.component()).isNull();
    assertThat(name).isEqualTo(CommandName.of(null, "reboot"));
    assertThat(name.methodName()).isEqualTo("reboot");
  }

  static Stream<Arguments> badNames() {
    return Stream.of(
        Arguments.of("a second star", "a*b*c", "command 'b*c'"),
        Arguments.of("an empty component", "*reboot", "component ''"),
        Arguments.of("an empty command", "thermostat1*", "command ''"),
        Arguments.of("a leading digit", "1thermostat*reset", "component '1thermostat'"),
        Arguments.of("a trailing underscore", "reset_", "command 'reset_'"),
        Arguments.of("a dash", "thermo-stat*reset", "component 'thermo-stat'"),
        Arguments.of("65 characters", "a".repeat(65), "is not a DTDL name"));
  }

  @ParameterizedTest(name = "{0} is refused")
  @MethodSource("badNames")
  void namesThatBreakTheDtdlRuleAreRefusedWithTheirPart(String what, String methodName, String message) {
    assertThatIllegalArgumentException().isThrownBy(() -> CommandName.parse(methodName))
        .withMessageContaining(message).withMessageContaining("DTDL");
  }

  @Test
  void nullsAreRefusedByName() {
    assertThatIllegalArgumentException().isThrownBy(() -> CommandName.parse(null))
        .withMessage("methodName must not be null");
    assertThatIllegalArgumentException().isThrownBy(() -> CommandName.of("c", null))
        .withMessage("command must not be null");
  }

  @Property
  void parseOfMethodNameIsIdentity(@ForAll("names") String component, @ForAll boolean root,
      @ForAll("names") String command) {
    CommandName name = CommandName.of(root ? null : component, command);
    assertThat(CommandName.parse(name.methodName())).isEqualTo(name);
  }

  @Provide
  Arbitrary<String> names() {
    Arbitrary<String> middle = Arbitraries.strings().withChars("abzAZ09_").ofMaxLength(62);
    return Arbitraries.strings().withChars("aZq").ofLength(1)
        .flatMap(first -> middle.flatMap(mid -> Arbitraries.strings().withChars("aZ9").ofLength(1)
            .map(last -> mid.isEmpty() && last.equals("9") ? first : first + mid + last)));
  }
}
