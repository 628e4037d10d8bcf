// The fuzz properties every module's ParserFuzzProperties inherits (issue 9): each of its parsers keeps ParserContract.
package io.rxiothub.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.jspecify.annotations.Nullable;

/**
 * Fuzzes the parsers a module lists in {@link #parsers()}: in each try every parser gets one input
 * drawn from its own arbitrary (near-valid mutations of seeds, or random text) and must return or
 * throw its documented exception with a message, within {@link ParserContract#DEFAULT_LIMIT};
 * a parser's own {@link Parser#then check} then looks at the value or the exception (a secret not
 * echoed, a payload carried unchanged). Huge inputs ({@link Parser#huge}) run once each, with the
 * outcome they must have.
 *
 * <p>A module writes {@code class ParserFuzzProperties extends ParserFuzzing} and lists its parsers;
 * regressions tied to one parser stay beside them as {@code @Example}s.
 */
public abstract class ParserFuzzing {

  private @Nullable List<Parser<?>> parsers;

  /** Returns the module's parsers; every public parser of the module belongs here. */
  protected abstract List<Parser<?>> parsers();

  private List<Parser<?>> cachedParsers() {
    List<Parser<?>> p = parsers;
    if (p == null) {
      p = parsers();
      if (p.isEmpty()) {
        throw new IllegalStateException(getClass().getName() + ".parsers() lists no parser");
      }
      parsers = p;
    }
    return p;
  }

  @Property(tries = 3000)
  void everyParserReturnsOrThrowsItsDocumentedException(@ForAll("oneInputPerParser") List<Object> inputs) {
    List<Parser<?>> all = cachedParsers();
    for (int i = 0; i < all.size(); i++) {
      all.get(i).checkUntyped(inputs.get(i));
    }
  }

  @Example
  void hugeInputsEndAsTheyMustInBoundedTime() {
    for (Parser<?> parser : cachedParsers()) {
      parser.checkHugeInputs();
    }
  }

  @Provide
  Arbitrary<List<Object>> oneInputPerParser() {
    List<Arbitrary<Object>> inputs = new ArrayList<>();
    for (Parser<?> parser : cachedParsers()) {
      inputs.add(parser.inputs.map(x -> (Object) x));
    }
    return Combinators.combine(inputs).as(ArrayList::new);
  }

  /**
   * Returns near-valid mutations of {@code seeds} (see {@link Mutations}) or, one time in two,
   * random text of up to {@code randomMaxLength} characters.
   */
  public static Arbitrary<String> nearOrRandom(int randomMaxLength, String... seeds) {
    return Arbitraries.oneOf(Mutations.of(Arbitraries.of(seeds)),
        Arbitraries.strings().ofMaxLength(randomMaxLength));
  }

  /** How a huge input must end. */
  public enum Outcome {
    /** With the documented exception. */
    FAILS,
    /** With a value. */
    PARSES,
    /** Either way, as long as it ends in time and keeps the contract. */
    EITHER
  }

  /** A parse call on one input; may throw anything, which {@link ParserContract} judges. */
  @FunctionalInterface
  public interface Parse<T> {
    @Nullable Object parse(T input) throws Exception;
  }

  /** A further check of one parse: {@code value} is null when {@code error} is not. */
  @FunctionalInterface
  public interface Check<T> {
    void check(T input, @Nullable Object value, @Nullable Throwable error) throws Exception;
  }

  /** One parser: its name, documented exception, inputs and parse call. */
  public static final class Parser<T> {
    private final String name;
    private final Class<? extends Throwable> documented;
    private final Arbitrary<T> inputs;
    private final Parse<T> parse;
    private final List<Check<T>> checks = new ArrayList<>();
    private final List<Huge<T>> huge = new ArrayList<>();

    private Parser(String name, Class<? extends Throwable> documented, Arbitrary<T> inputs, Parse<T> parse) {
      this.name = name;
      this.documented = documented;
      this.inputs = inputs;
      this.parse = parse;
    }

    /** A parser called {@code name} that documents {@code documented}, fed {@code inputs}. */
    public static <T> Parser<T> of(String name, Class<? extends Throwable> documented, Arbitrary<T> inputs,
        Parse<T> parse) {
      return new Parser<>(name, documented, inputs, parse);
    }

    /** Adds a check run after every parse of a fuzzed or huge input. */
    public Parser<T> then(Check<T> check) {
      checks.add(check);
      return this;
    }

    /** Adds a huge input, {@code label} saying what it is, that must end as {@code outcome} says. */
    public Parser<T> huge(String label, T input, Outcome outcome) {
      huge.add(new Huge<>(label, input, outcome));
      return this;
    }

    @SuppressWarnings("unchecked")
    void checkUntyped(Object input) {
      check(name, (T) input);
    }

    void checkHugeInputs() {
      for (Huge<T> h : huge) {
        Throwable error = check(name + "(" + h.label + ")", h.input);
        if (h.outcome == Outcome.FAILS && error == null) {
          throw new AssertionError(name + "(" + h.label + ") returned a value; it must throw "
              + documented.getSimpleName());
        }
        if (h.outcome == Outcome.PARSES && error != null) {
          throw new AssertionError(name + "(" + h.label + ") threw " + error + "; it must return a value", error);
        }
      }
    }

    private @Nullable Throwable check(String what, T input) {
      AtomicReference<@Nullable Object> value = new AtomicReference<>();
      Throwable error = ParserContract.check(what, documented, () -> {
        value.set(parse.parse(input));
        return null;
      });
      for (Check<T> check : checks) {
        try {
          check.check(input, error == null ? value.get() : null, error);
        } catch (RuntimeException | Error e) {
          throw e;
        } catch (Exception e) {
          throw new AssertionError(what + ": its check threw " + e, e);
        }
      }
      return error;
    }
  }

  private static final class Huge<T> {
    final String label;
    final T input;
    final Outcome outcome;

    Huge(String label, T input, Outcome outcome) {
      this.label = label;
      this.input = input;
      this.outcome = outcome;
    }
  }
}
