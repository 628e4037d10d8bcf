package io.rxiothub.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.rxiothub.testing.ParserFuzzing.Outcome;
import io.rxiothub.testing.ParserFuzzing.Parser;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import net.jqwik.api.Arbitraries;
import org.junit.jupiter.api.Test;

class ParserFuzzingTest {

  /** Parses an int; documents IllegalArgumentException (NumberFormatException is one). */
  private static Parser<String> ints() {
    return Parser.of("Integer.parseInt", IllegalArgumentException.class, Arbitraries.of("1"),
        Integer::parseInt);
  }

  private static ParserFuzzing fuzzing(Parser<?>... parsers) {
    return new ParserFuzzing() {
      @Override
      protected List<Parser<?>> parsers() {
        return Arrays.asList(parsers);
      }
    };
  }

  @Test
  void eachParserGetsItsOwnInputAndKeepingTheContractPasses() {
    List<Object> seen = new ArrayList<>();
    ParserFuzzing f = fuzzing(ints(), Parser.of("echo", IllegalArgumentException.class, Arbitraries.of("x"),
        s -> s).then((in, value, error) -> seen.add(value)));

    f.everyParserReturnsOrThrowsItsDocumentedException(Arrays.asList("12", "y"));

    assertThat(seen).containsExactly("y");
  }

  @Test
  void anUndocumentedExceptionFails() {
    ParserFuzzing f = fuzzing(Parser.of("npe", IllegalArgumentException.class, Arbitraries.of("x"), s -> {
      throw new NullPointerException("boom");
    }));

    assertThatThrownBy(() -> f.everyParserReturnsOrThrowsItsDocumentedException(Arrays.asList("x")))
        .isInstanceOf(AssertionError.class).hasMessageContaining("npe threw java.lang.NullPointerException");
  }

  @Test
  void aFailingCheckFails() {
    ParserFuzzing f = fuzzing(ints().then((in, value, error) -> assertThat(value).isEqualTo(7)));

    assertThatThrownBy(() -> f.everyParserReturnsOrThrowsItsDocumentedException(Arrays.asList("8")))
        .isInstanceOf(AssertionError.class);
  }

  @Test
  void hugeInputsMustEndAsDeclared() {
    fuzzing(ints().huge("many digits", "9".repeat(100), Outcome.FAILS)
        .huge("one", "1", Outcome.PARSES).huge("either", "x", Outcome.EITHER))
        .hugeInputsEndAsTheyMustInBoundedTime();

    assertThatThrownBy(() -> fuzzing(ints().huge("one", "1", Outcome.FAILS)).hugeInputsEndAsTheyMustInBoundedTime())
        .isInstanceOf(AssertionError.class).hasMessageContaining("Integer.parseInt(one) returned a value");
    assertThatThrownBy(() -> fuzzing(ints().huge("x", "x", Outcome.PARSES)).hugeInputsEndAsTheyMustInBoundedTime())
        .isInstanceOf(AssertionError.class).hasMessageContaining("Integer.parseInt(x) threw");
  }
}
