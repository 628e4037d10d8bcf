// IoT Plug and Play: the device's answer to a writable property update (protocol.md §17.3).
package io.rxiothub.twin;

import io.rxiothub.twin.internal.DtdlNames;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The acknowledgement of a writable property, reported as
 * {@code {"<name>": {"value": …, "ac": <code>, "av": <desired version>, "ad": "<description>"}}}, inside the
 * component's section ({@code "__t": "c"}) for a component property. Make one from the update it answers with
 * {@link WritablePropertyUpdate#ack(int, String)}, or with {@link #builder()}; report it with
 * {@link PnpPatch.Builder#ack(WritablePropertyAck)}.
 */
public final class WritablePropertyAck {

  /** The code of an update applied: 200. */
  public static final int COMPLETED = 200;
  /** The code of an update accepted but still being applied: 202. */
  public static final int PENDING = 202;
  /** The code of an update refused: 400. */
  public static final int INVALID = 400;

  private final @Nullable String component;
  private final String name;
  private final @Nullable Object value;
  private final int code;
  private final long version;
  private final @Nullable String description;

  private WritablePropertyAck(Builder b) {
    this.component = b.component;
    this.name = Objects.requireNonNull(b.name);
    this.value = b.value;
    this.code = b.code;
    this.version = b.version;
    this.description = b.description;
  }

  /** Returns a builder; name, code and version are required. */
  public static Builder builder() {
    return new Builder();
  }

  /** Returns a builder holding this ack's values. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.component = component;
    b.name = name;
    b.value = value;
    b.code = code;
    b.version = version;
    b.description = description;
    return b;
  }

  /** Returns the component, or null for the default component. */
  public @Nullable String component() {
    return component;
  }

  /** Returns the property name. */
  public String name() {
    return name;
  }

  /** Returns the value reported ({@code value}), in {@link TwinCollection}'s types. */
  public @Nullable Object value() {
    return value;
  }

  /** Returns the HTTP-like code ({@code ac}). */
  public int code() {
    return code;
  }

  /** Returns the desired {@code $version} answered ({@code av}). */
  public long version() {
    return version;
  }

  /** Returns the description ({@code ad}), or null for none. */
  public @Nullable String description() {
    return description;
  }

  /** Returns the JSON object reported for the property: {@code value}, {@code ac}, {@code av} and {@code ad}. */
  TwinCollection body() {
    TwinCollection.Builder b = TwinCollection.builder().put("value", value).put("ac", code).put("av", version);
    if (description != null) {
      b.put("ad", description);
    }
    return b.build();
  }

  @Override
  public boolean equals(@Nullable Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof WritablePropertyAck)) {
      return false;
    }
    WritablePropertyAck other = (WritablePropertyAck) o;
    return code == other.code && version == other.version && Objects.equals(component, other.component)
        && name.equals(other.name) && Objects.equals(value, other.value)
        && Objects.equals(description, other.description);
  }

  @Override
  public int hashCode() {
    return Objects.hash(component, name, value, code, version, description);
  }

  @Override
  public String toString() {
    return "WritablePropertyAck{" + (component == null ? "" : component + "/") + name + "=" + value + ", ac=" + code
        + ", av=" + version + (description == null ? "" : ", ad=" + description) + '}';
  }

  /** Builds a {@link WritablePropertyAck}; setters check their value at once. */
  public static final class Builder {
    private @Nullable String component;
    private @Nullable String name;
    private @Nullable Object value;
    private int code = -1;
    private long version = -1;
    private @Nullable String description;

    private Builder() {}

    /**
     * Sets the component, or null (default) for the default component.
     *
     * @throws IllegalArgumentException if it is not a DTDL name
     */
    public Builder component(@Nullable String component) {
      this.component = component == null ? null : DtdlNames.check("component", component);
      return this;
    }

    /**
     * Sets the property name.
     *
     * @throws IllegalArgumentException if it is null or not a DTDL name
     */
    public Builder name(String name) {
      this.name = DtdlNames.check("name", name);
      return this;
    }

    /**
     * Sets the value reported (the desired value applied, or the value the device kept).
     *
     * @throws IllegalArgumentException if it is not a twin value (see {@link TwinCollection})
     */
    public Builder value(@Nullable Object value) {
      this.value = TwinCollection.normalize("value", value);
      return this;
    }

    /**
     * Sets the HTTP-like code, e.g. {@link #COMPLETED}.
     *
     * @throws IllegalArgumentException if it is not within 100..599
     */
    public Builder code(int code) {
      if (code < 100 || code > 599) {
        throw new IllegalArgumentException("code must be an HTTP-like status within 100..599, got " + code);
      }
      this.code = code;
      return this;
    }

    /**
     * Sets the desired {@code $version} this ack answers.
     *
     * @throws IllegalArgumentException if negative
     */
    public Builder version(long version) {
      if (version < 0) {
        throw new IllegalArgumentException("version must be the desired $version answered (>= 0), got " + version);
      }
      this.version = version;
      return this;
    }

    /** Sets the description, or null (default) for none. */
    public Builder description(@Nullable String description) {
      this.description = description;
      return this;
    }

    /**
     * Returns the ack.
     *
     * @throws IllegalStateException if name, code or version is missing
     */
    public WritablePropertyAck build() {
      if (name == null) {
        throw new IllegalStateException("name is required");
      }
      if (code < 0) {
        throw new IllegalStateException("code is required (ac), e.g. WritablePropertyAck.COMPLETED");
      }
      if (version < 0) {
        throw new IllegalStateException("version is required (av): the desired $version answered");
      }
      return new WritablePropertyAck(this);
    }
  }
}
