// jqwik generators of twin values shared by the property tests.
package io.rxiothub.twin;

import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;

/** Generators of keys, JSON values and collections within IoT Hub's twin limits. */
final class TwinArbitraries {

  private TwinArbitraries() {}

  /** Valid twin keys: short, mostly ASCII, some non-ASCII, never '.', '$', space or controls. */
  static Arbitrary<String> keys() {
    return Arbitraries.oneOf(
        Arbitraries.of("a", "b", "c", "x", "route", "telemetrySendFrequency", "nested", "é-key", "k_1", "😀"),
        Arbitraries.strings().withCharRange('a', 'e').ofMinLength(1).ofMaxLength(3),
        Arbitraries.strings().withChars("abcXYZ019-_~:é中").ofMinLength(1).ofMaxLength(6));
  }

  /** Scalars: booleans, strings, integers within the hub range, finite doubles. */
  static Arbitrary<Object> scalars() {
    return cached("scalars", TwinArbitraries::makeScalars);
  }

  private static Arbitrary<Object> makeScalars() {
    return Arbitraries.oneOf(
        Arbitraries.of(true, false).map(b -> (Object) b),
        Arbitraries.strings().ofMaxLength(12).filter(TwinProperties::isValidUnicode).map(s -> (Object) s),
        Arbitraries.longs().between(-4503599627370496L, 4503599627370495L).map(l -> (Object) l),
        Arbitraries.doubles().between(-1e9, 1e9).ofScale(3).map(d -> (Object) d.doubleValue()));
  }

  private static final java.util.Map<String, Arbitrary<?>> CACHE = new java.util.concurrent.ConcurrentHashMap<>();

  @SuppressWarnings("unchecked")
  private static <T> Arbitrary<T> cached(String key, java.util.function.Supplier<Arbitrary<T>> make) {
    Arbitrary<?> found = CACHE.get(key);
    if (found == null) {
      found = make.get();
      CACHE.put(key, found);
    }
    return (Arbitrary<T>) found;
  }

  /** Any JSON value (no nulls) nested at most {@code depth} levels. */
  static Arbitrary<Object> values(int depth) {
    return cached("values" + depth, () -> makeValues(depth));
  }

  private static Arbitrary<Object> makeValues(int depth) {
    if (depth <= 0) {
      return scalars();
    }
    return Arbitraries.frequencyOf(
        net.jqwik.api.Tuple.of(6, scalars()),
        net.jqwik.api.Tuple.of(2, collections(depth - 1, false).map(c -> (Object) c)),
        net.jqwik.api.Tuple.of(1, values(depth - 1).list().ofMaxSize(3).map(l -> (Object) new ArrayList<>(l))))
        .withoutEdgeCases();
  }

  /** Collections nested at most {@code depth} levels; with {@code nulls}, members may be JSON null. */
  static Arbitrary<TwinCollection> collections(int depth, boolean nulls) {
    return cached("collections" + depth + nulls, () -> makeCollections(depth, nulls));
  }

  private static Arbitrary<TwinCollection> makeCollections(int depth, boolean nulls) {
    Arbitrary<Object> value = nulls
        ? Arbitraries.oneOf(values(depth), patchValues(depth), Arbitraries.just(NULL))
        : values(depth);
    return Arbitraries.maps(keys(), value).ofMaxSize(4).withoutEdgeCases().map(m -> {
      TwinCollection.Builder b = TwinCollection.builder();
      m.forEach((k, v) -> b.put(k, v == NULL ? null : v));
      return b.build();
    });
  }

  /** Nested patch objects, whose members may be null. */
  private static Arbitrary<Object> patchValues(int depth) {
    if (depth <= 0) {
      return scalars();
    }
    return Arbitraries.lazy(() -> collections(depth - 1, true).map(c -> (Object) c));
  }

  /** Full documents: no nulls. */
  static Arbitrary<TwinCollection> documents() {
    return collections(3, false);
  }

  /** Patches: nulls allowed. */
  static Arbitrary<TwinCollection> patches() {
    return collections(3, true);
  }

  static List<Object> listOf(Object... items) {
    List<Object> out = new ArrayList<>();
    for (Object item : items) {
      out.add(item);
    }
    return out;
  }

  private static final Object NULL = new Object();
}
