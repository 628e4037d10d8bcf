package io.rxiothub.sas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Examples from protocol.md §5. */
class PercentEncodingTest {

  @Test
  void encodesEveryByteButTheUnreservedOnesWithUpperCaseHex() {
    assertThat(PercentEncoding.encode("a&b=c/d%e é")).isEqualTo("a%26b%3Dc%2Fd%25e%20%C3%A9");
    assertThat(PercentEncoding.encode("~*+")).isEqualTo("~%2A%2B");
    assertThat(PercentEncoding.encode("$.mid")).isEqualTo("%24.mid");
    assertThat(PercentEncoding.encode("AZaz09-._~")).isEqualTo("AZaz09-._~");
    assertThat(PercentEncoding.encode("")).isEmpty();
    assertThat(PercentEncoding.encode("😀")).isEqualTo("%F0%9F%98%80");
  }

  @Test
  void decodesEitherHexCaseAndKeepsPlusLiteral() {
    assertThat(PercentEncoding.decode("a%26b%3dc%2Fd%25e%C3%A9")).isEqualTo("a&b=c/d%eé");
    assertThat(PercentEncoding.decode("value%201")).isEqualTo("value 1");
    assertThat(PercentEncoding.decode("a+b")).isEqualTo("a+b");
    assertThat(PercentEncoding.decode("%F0%9F%98%80x😀")).isEqualTo("😀x😀");
  }

  @ParameterizedTest
  @ValueSource(strings = {"%", "%2", "%G0", "a%2", "%C3", "%FF%FE", "%C3%28", "%ED%A0%80"})
  void rejectsBadSequences(String text) {
    assertThatThrownBy(() -> PercentEncoding.decode(text)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void rejectsLoneSurrogates() {
    for (String bad : new String[] {"a\uD800b", "a\uD800", "\uDC00\uD800", "\uDC00"}) {
      assertThatThrownBy(() -> PercentEncoding.encode(bad)).isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("lone surrogate");
      assertThatThrownBy(() -> PercentEncoding.encode(bad, new StringBuilder()))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("lone surrogate");
    }
    assertThatThrownBy(() -> PercentEncoding.decode("%20\uDC00")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("lone surrogate");
  }
}
