// IoT Plug and Play: one writable property of a desired patch, per component and property (protocol.md §17.3).
package io.rxiothub.twin;

import io.rxiothub.twin.internal.DtdlNames;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One writable property the back end set: component (null for the default component), name, value and the
 * desired {@code $version} that carried it. A desired patch or twin is split into updates with
 * {@link #fromPatch(TwinPatch)} / {@link #fromTwin(Twin)}: a top-level object holding {@code "__t": "c"} is a
 * component section whose members are its properties; every other top-level member is a property of the
 * default component. Answer each with {@link #ack(int, String)}.
 */
public final class WritablePropertyUpdate {

  /** The marker of a component section. */
  public static final String COMPONENT_MARKER = "__t";

  private final @Nullable String component;
  private final String name;
  private final @Nullable Object value;
  private final long version;

  private WritablePropertyUpdate(@Nullable String component, String name, @Nullable Object value, long version) {
    this.component = component;
    this.name = name;
    this.value = value;
    this.version = version;
  }

  /**
   * Returns the update of property {@code name} of {@code component} (null: default component).
   *
   * @throws IllegalArgumentException if a name is not a DTDL name, the value is not a twin value or the
   *     version is negative
   */
  public static WritablePropertyUpdate of(@Nullable String component, String name, @Nullable Object value,
      long version) {
    if (component != null) {
      DtdlNames.check("component", component);
    }
    DtdlNames.check("name", name);
    if (version < 0) {
      throw new IllegalArgumentException("version must be >= 0, got " + version);
    }
    return new WritablePropertyUpdate(component, name, TwinCollection.normalize(name, value), version);
  }

  /**
   * Returns the updates a desired patch carries, in its order.
   *
   * @throws IllegalArgumentException if the patch has no {@code $version} (acks need it)
   */
  public static List<WritablePropertyUpdate> fromPatch(TwinPatch desired) {
    if (desired == null) {
      throw new IllegalArgumentException("desired must not be null");
    }
    Long version = desired.version();
    if (version == null) {
      throw new IllegalArgumentException("desired patch has no $version: a writable property ack needs it (av)");
    }
    return from(desired.properties(), version);
  }

  /** Returns the updates the desired section of {@code twin} holds, with its desired version. */
  public static List<WritablePropertyUpdate> fromTwin(Twin twin) {
    if (twin == null) {
      throw new IllegalArgumentException("twin must not be null");
    }
    return from(twin.desired(), twin.desiredVersion());
  }

  /**
   * Returns the updates {@code desired} holds at {@code version}. Members whose name starts with {@code $}
   * and names that are not DTDL names are not properties of a model and are skipped.
   */
  public static List<WritablePropertyUpdate> from(TwinCollection desired, long version) {
    if (desired == null) {
      throw new IllegalArgumentException("desired must not be null");
    }
    List<WritablePropertyUpdate> updates = new ArrayList<>();
    for (Map.Entry<String, @Nullable Object> e : desired.asMap().entrySet()) {
      Object value = e.getValue();
      if (!isName(e.getKey())) {
        continue;
      }
      if (value instanceof TwinCollection && "c".equals(((TwinCollection) value).get(COMPONENT_MARKER))) {
        for (Map.Entry<String, @Nullable Object> p : ((TwinCollection) value).asMap().entrySet()) {
          if (isName(p.getKey())) {
            updates.add(new WritablePropertyUpdate(e.getKey(), p.getKey(), p.getValue(), version));
          }
        }
      } else {
        updates.add(new WritablePropertyUpdate(null, e.getKey(), value, version));
      }
    }
    return Collections.unmodifiableList(updates);
  }

  private static boolean isName(String key) {
    try {
      DtdlNames.check("name", key);
      return true;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  /** Returns the component, or null for the default component. */
  public @Nullable String component() {
    return component;
  }

  /** Returns the property name. */
  public String name() {
    return name;
  }

  /** Returns the desired value in {@link TwinCollection}'s types; null when the back end removed it. */
  public @Nullable Object value() {
    return value;
  }

  /** Returns the desired {@code $version} that carried it. */
  public long version() {
    return version;
  }

  /**
   * Returns the value as a number, for a property whose schema is numeric.
   *
   * @throws IllegalStateException if it is not a number (the message names the property and what it is)
   */
  public double doubleValue() {
    return typed(Number.class, "a number").doubleValue();
  }

  /**
   * Returns the value as an integer.
   *
   * @throws IllegalStateException if it is not an integral number
   */
  public long longValue() {
    return typed(Long.class, "an integer");
  }

  /**
   * Returns the value as a boolean.
   *
   * @throws IllegalStateException if it is not a boolean
   */
  public boolean booleanValue() {
    return typed(Boolean.class, "a boolean");
  }

  /**
   * Returns the value as a string.
   *
   * @throws IllegalStateException if it is not a string
   */
  public String stringValue() {
    return typed(String.class, "a string");
  }

  private <T> T typed(Class<T> type, String what) {
    if (!type.isInstance(value)) {
      throw new IllegalStateException("writable property " + path() + " is "
          + (value == null ? "null (removed)" : "a " + value.getClass().getSimpleName()) + ", not " + what);
    }
    return type.cast(value);
  }

  private String path() {
    return "'" + (component == null ? "" : component + ".") + name + "'";
  }

  /**
   * Returns the ack of this update with its own value: {@code ac} = {@code code}, {@code av} = its version.
   *
   * @throws IllegalArgumentException if {@code code} is not within 100..599
   */
  public WritablePropertyAck ack(int code, @Nullable String description) {
    return ack(code, description, value);
  }

  /**
   * Returns the ack of this update reporting {@code reportedValue} (e.g. the value the device kept when it
   * refused the update).
   *
   * @throws IllegalArgumentException if {@code code} is not within 100..599 or the value is not a twin value
   */
  public WritablePropertyAck ack(int code, @Nullable String description, @Nullable Object reportedValue) {
    return WritablePropertyAck.builder().component(component).name(name).value(reportedValue).code(code)
        .version(version).description(description).build();
  }

  @Override
  public boolean equals(@Nullable Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof WritablePropertyUpdate)) {
      return false;
    }
    WritablePropertyUpdate other = (WritablePropertyUpdate) o;
    return version == other.version && Objects.equals(component, other.component) && name.equals(other.name)
        && Objects.equals(value, other.value);
  }

  @Override
  public int hashCode() {
    return Objects.hash(component, name, value, version);
  }

  @Override
  public String toString() {
    return "WritablePropertyUpdate{" + path() + "=" + value + ", version=" + version + '}';
  }
}
