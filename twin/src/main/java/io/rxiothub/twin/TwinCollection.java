// An immutable JSON object of twin properties, exposed through plain Java types so Jackson stays internal.
package io.rxiothub.twin;

import io.rxiothub.twin.internal.TwinJson;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * An immutable JSON object: the properties of a twin section ({@code desired}, {@code reported}) or of a
 * patch.
 *
 * <p>Values are held as plain Java types, so no JSON library appears in this API:
 * <ul>
 *   <li>JSON {@code null} as {@code null} (in a patch it deletes the property);</li>
 *   <li>booleans as {@link Boolean}, strings as {@link String};</li>
 *   <li>integral numbers as {@link Long}, other numbers as finite {@link Double};</li>
 *   <li>objects as nested {@code TwinCollection}s;</li>
 *   <li>arrays as unmodifiable {@link List}s of such values.</li>
 * </ul>
 * The builder also accepts {@code Integer}, {@code Short}, {@code Byte} (stored as {@code Long}),
 * {@code Float} and {@link BigDecimal} (stored as {@code Double}), {@link BigInteger} within the
 * {@code long} range (stored as {@code Long}), any {@link Map} with string keys (stored as a nested
 * collection) and any {@link Collection} or array of objects (stored as a list).
 *
 * <p>A collection keeps the insertion order of its keys for serialization; equality ignores that order,
 * like JSON objects. It applies no IoT Hub limit by itself: {@link TwinPatch} checks the limits of what the
 * device sends.
 */
public final class TwinCollection {

  private static final TwinCollection EMPTY = new TwinCollection(Collections.<String, @Nullable Object>emptyMap());

  private final Map<String, @Nullable Object> values;

  private TwinCollection(Map<String, @Nullable Object> values) {
    this.values = values;
  }

  /** Returns the empty collection. */
  public static TwinCollection empty() {
    return EMPTY;
  }

  /** Returns a new empty builder. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Returns a collection holding the entries of {@code map}, converted as the class documentation says.
   *
   * @throws IllegalArgumentException if a value, at any depth, has an unsupported type or is not finite
   */
  public static TwinCollection of(Map<String, ?> map) {
    if (map == null) {
      throw new IllegalArgumentException("map must not be null");
    }
    return builder().putAll(map).build();
  }

  /**
   * Parses a JSON object.
   *
   * @throws IllegalArgumentException if {@code json} is not one well-formed JSON object, has duplicate
   *     keys, or holds an integer outside the {@code long} range
   */
  public static TwinCollection parse(String json) {
    if (json == null) {
      throw new IllegalArgumentException("json must not be null");
    }
    return TwinJson.parseObject(json);
  }

  /** Returns a builder holding this collection's entries. */
  public Builder toBuilder() {
    Builder builder = new Builder();
    builder.values.putAll(values);
    return builder;
  }

  /** Returns the number of properties. */
  public int size() {
    return values.size();
  }

  /** Returns whether there is no property. */
  public boolean isEmpty() {
    return values.isEmpty();
  }

  /** Returns whether {@code key} is present (its value may still be JSON {@code null}). */
  public boolean containsKey(String key) {
    return values.containsKey(key);
  }

  /** Returns the keys, in insertion order, unmodifiable. */
  public Set<String> keySet() {
    return values.keySet();
  }

  /** Returns the entries as an unmodifiable map, in insertion order. */
  public Map<String, @Nullable Object> asMap() {
    return values;
  }

  /** Returns the value of {@code key}, or {@code null} when it is absent or JSON {@code null}. */
  public @Nullable Object get(String key) {
    return values.get(key);
  }

  /**
   * Returns the string value of {@code key}, or {@code null} when it is absent or JSON {@code null}.
   *
   * @throws IllegalArgumentException if the value is not a string
   */
  public @Nullable String getString(String key) {
    return typed(key, String.class, "a string");
  }

  /**
   * Returns the boolean value of {@code key}, or {@code null} when it is absent or JSON {@code null}.
   *
   * @throws IllegalArgumentException if the value is not a boolean
   */
  public @Nullable Boolean getBoolean(String key) {
    return typed(key, Boolean.class, "a boolean");
  }

  /**
   * Returns the integral value of {@code key}, or {@code null} when it is absent or JSON {@code null}.
   *
   * @throws IllegalArgumentException if the value is not an integral number
   */
  public @Nullable Long getLong(String key) {
    return typed(key, Long.class, "an integer");
  }

  /**
   * Returns the numeric value of {@code key} as a double (integers converted), or {@code null} when it
   * is absent or JSON {@code null}.
   *
   * @throws IllegalArgumentException if the value is not a number
   */
  public @Nullable Double getDouble(String key) {
    Object value = values.get(key);
    if (value instanceof Long) {
      return (double) (Long) value;
    }
    return typed(key, Double.class, "a number");
  }

  /**
   * Returns the object value of {@code key}, or {@code null} when it is absent or JSON {@code null}.
   *
   * @throws IllegalArgumentException if the value is not an object
   */
  public @Nullable TwinCollection getCollection(String key) {
    return typed(key, TwinCollection.class, "an object");
  }

  /**
   * Returns the array value of {@code key} (unmodifiable), or {@code null} when it is absent or JSON
   * {@code null}.
   *
   * @throws IllegalArgumentException if the value is not an array
   */
  @SuppressWarnings("unchecked")
  public @Nullable List<@Nullable Object> getList(String key) {
    return typed(key, List.class, "an array");
  }

  /**
   * Returns this collection with {@code patch} applied as IoT Hub applies a twin patch: a {@code null}
   * member deletes the property, an object member merges into an existing object (recursively) and any
   * other member replaces the property. Objects that replace a non-object lose their {@code null} members,
   * so merging is idempotent: {@code a.merge(p).merge(p).equals(a.merge(p))}.
   */
  public TwinCollection merge(TwinCollection patch) {
    if (patch == null) {
      throw new IllegalArgumentException("patch must not be null");
    }
    Map<String, @Nullable Object> out = new LinkedHashMap<>(values);
    for (Map.Entry<String, @Nullable Object> member : patch.values.entrySet()) {
      Object patchValue = member.getValue();
      String key = member.getKey();
      if (patchValue == null) {
        out.remove(key);
      } else if (patchValue instanceof TwinCollection) {
        Object current = out.get(key);
        TwinCollection base = current instanceof TwinCollection ? (TwinCollection) current : EMPTY;
        out.put(key, base.merge((TwinCollection) patchValue));
      } else {
        out.put(key, patchValue);
      }
    }
    return new TwinCollection(Collections.unmodifiableMap(out));
  }

  /** Returns the compact JSON text of this object. */
  public String toJson() {
    return TwinJson.write(this, null, null);
  }

  @Override
  public boolean equals(@Nullable Object o) {
    return o instanceof TwinCollection && values.equals(((TwinCollection) o).values);
  }

  @Override
  public int hashCode() {
    return values.hashCode();
  }

  /** Returns the JSON text; twin properties hold no secrets by IoT Hub's own rules. */
  @Override
  public String toString() {
    return toJson();
  }

  private <T> @Nullable T typed(String key, Class<T> type, String what) {
    Object value = values.get(key);
    if (value == null) {
      return null;
    }
    if (!type.isInstance(value)) {
      throw new IllegalArgumentException(
          "twin property '" + key + "' is " + describe(value) + ", not " + what);
    }
    return type.cast(value);
  }

  private static String describe(Object value) {
    if (value instanceof String) {
      return "a string";
    }
    if (value instanceof Boolean) {
      return "a boolean";
    }
    if (value instanceof Long) {
      return "an integer";
    }
    if (value instanceof Double) {
      return "a non-integral number";
    }
    if (value instanceof TwinCollection) {
      return "an object";
    }
    return "an array";
  }

  /** Converts a supported Java value to the stored representation, or says why it cannot. */
  static @Nullable Object normalize(String key, @Nullable Object value) {
    if (value == null || value instanceof String || value instanceof Boolean || value instanceof Long
        || value instanceof TwinCollection) {
      return value;
    }
    if (value instanceof Integer || value instanceof Short || value instanceof Byte) {
      return ((Number) value).longValue();
    }
    if (value instanceof Double || value instanceof Float || value instanceof BigDecimal) {
      double d = ((Number) value).doubleValue();
      if (Double.isNaN(d) || Double.isInfinite(d)) {
        throw new IllegalArgumentException(
            "twin property '" + key + "' must be a finite number, got " + value);
      }
      return d;
    }
    if (value instanceof BigInteger) {
      BigInteger big = (BigInteger) value;
      if (big.bitLength() > 63) {
        throw new IllegalArgumentException(
            "twin property '" + key + "' is an integer outside the 64-bit range: " + big);
      }
      return big.longValue();
    }
    if (value instanceof Map) {
      Builder nested = new Builder();
      for (Map.Entry<?, ?> entry : ((Map<?, ?>) value).entrySet()) {
        if (!(entry.getKey() instanceof String)) {
          throw new IllegalArgumentException(
              "twin property '" + key + "' is a map whose keys must be strings, got " + entry.getKey());
        }
        nested.put((String) entry.getKey(), entry.getValue());
      }
      return nested.build();
    }
    if (value instanceof Collection || value instanceof Object[]) {
      Collection<?> items = value instanceof Collection
          ? (Collection<?>) value : java.util.Arrays.asList((Object[]) value);
      List<@Nullable Object> list = new ArrayList<>(items.size());
      for (Object item : items) {
        list.add(normalize(key, item));
      }
      return Collections.unmodifiableList(list);
    }
    throw new IllegalArgumentException("twin property '" + key + "' has unsupported type "
        + value.getClass().getName()
        + "; use null, Boolean, String, a number, a Map, a Collection or a TwinCollection");
  }

  /** Builds a {@link TwinCollection}; each value is converted (and checked) as it is put. */
  public static final class Builder {

    private final Map<String, @Nullable Object> values = new LinkedHashMap<>();

    private Builder() {}

    /**
     * Sets {@code key} to {@code value} ({@code null} = JSON {@code null}), replacing any previous value.
     *
     * @throws IllegalArgumentException if {@code key} is null or the value, at any depth, has an
     *     unsupported type or is not finite
     */
    public Builder put(String key, @Nullable Object value) {
      if (key == null) {
        throw new IllegalArgumentException("key must not be null");
      }
      values.put(key, normalize(key, value));
      return this;
    }

    /**
     * Puts every entry of {@code map}.
     *
     * @throws IllegalArgumentException as {@link #put} does
     */
    public Builder putAll(Map<String, ?> map) {
      if (map == null) {
        throw new IllegalArgumentException("map must not be null");
      }
      for (Map.Entry<String, ?> entry : map.entrySet()) {
        put(entry.getKey(), entry.getValue());
      }
      return this;
    }

    /** Removes {@code key} if present (unlike {@code put(key, null)}, which records a JSON null). */
    public Builder remove(String key) {
      values.remove(key);
      return this;
    }

    /** Returns the immutable collection. */
    public TwinCollection build() {
      if (values.isEmpty()) {
        return EMPTY;
      }
      return new TwinCollection(Collections.unmodifiableMap(new LinkedHashMap<>(values)));
    }
  }
}
