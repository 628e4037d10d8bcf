// Mutates valid inputs into near-valid garbage: the inputs that reach deepest into a parser.
package io.rxiothub.testing;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

/** jqwik arbitraries that edit valid seeds: insert, delete, replace, duplicate, truncate. */
public final class Mutations {

  /** Characters that mean something to our grammars (separators, escapes, JSON, MQTT wildcards). */
  public static final String SPECIALS = "/?&=%$.#+;:,{}[]\"\\ \u0000\u001f\u007f\u00e9\ud83d\ude00\ud800";

  private Mutations() {}

  /** Returns {@code seeds} mutated one to four times. */
  public static Arbitrary<String> of(Arbitrary<String> seeds) {
    return Combinators.combine(seeds, edits().list().ofMinSize(1).ofMaxSize(4))
        .as((seed, edits) -> {
          String s = seed;
          for (Edit edit : edits) {
            s = edit.apply(s);
          }
          return s;
        });
  }

  private static Arbitrary<Edit> edits() {
    Arbitrary<Integer> at = Arbitraries.integers().between(0, 10_000);
    Arbitrary<String> piece = Arbitraries.oneOf(
        Arbitraries.strings().withChars(SPECIALS.toCharArray()).ofMinLength(1).ofMaxLength(3),
        Arbitraries.strings().ofMinLength(1).ofMaxLength(5),
        Arbitraries.of("%", "%2", "%zz", "%C3", "%ED%A0%80", "$rid=", "$version=", "=&", "&&",
            "SharedAccessKey=", "sig=", "se=", "sr=", "skn=", "x509=true", "null", "-1",
            "99999999999999999999", "1e999", "{\"$version\":", "[[[[", "\"\\u"));
    return Arbitraries.oneOf(
        Combinators.combine(at, piece).as((i, p) -> s -> insert(s, i, p)),
        Combinators.combine(at, Arbitraries.integers().between(1, 8))
            .as((i, n) -> s -> delete(s, i, n)),
        Combinators.combine(at, piece).as((i, p) -> s -> insert(delete(s, i, p.length()), i, p)),
        at.map(i -> s -> s.isEmpty() ? s : s.substring(0, i % (s.length() + 1))),
        Arbitraries.just(s -> s + s));
  }

  private static String insert(String s, int at, String piece) {
    int i = at % (s.length() + 1);
    return s.substring(0, i) + piece + s.substring(i);
  }

  private static String delete(String s, int at, int n) {
    if (s.isEmpty()) {
      return s;
    }
    int i = at % s.length();
    return s.substring(0, i) + s.substring(Math.min(s.length(), i + n));
  }

  private interface Edit {
    String apply(String s);
  }
}
