// The twin document a GET returns: desired and reported properties with their versions.
package io.rxiothub.twin;

import io.rxiothub.twin.internal.TwinJson;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A device or module twin as the device sees it (protocol.md §6): the desired and reported properties,
 * each with its {@code $version} and, when the hub sends it, its {@code $metadata}.
 *
 * <p>The properties are the hub's data and are not checked against the twin limits (only what the device
 * sends is, see {@link TwinPatch}).
 */
public final class Twin {

  private final TwinCollection desired;
  private final long desiredVersion;
  private final @Nullable TwinCollection desiredMetadata;
  private final TwinCollection reported;
  private final long reportedVersion;
  private final @Nullable TwinCollection reportedMetadata;

  private Twin(Builder b) {
    this.desired = b.desired;
    this.desiredVersion = b.desiredVersion;
    this.desiredMetadata = b.desiredMetadata;
    this.reported = b.reported;
    this.reportedVersion = b.reportedVersion;
    this.reportedMetadata = b.reportedMetadata;
  }

  /** Returns a new builder; both versions must be set before {@link Builder#build()}. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Parses the body of a twin GET response:
   * {@code {"desired":{…,"$version":12},"reported":{…,"$version":123}}}. Members {@code "$version"} and
   * {@code "$metadata"} of each section become the versions and metadata; other section members whose
   * key starts with {@code $} and unknown top-level members are ignored.
   *
   * @throws IllegalArgumentException if {@code json} is not one well-formed JSON object, a section is
   *     missing or not an object, or a section's {@code $version} is missing or not a non-negative integer
   */
  public static Twin parse(byte[] json) {
    if (json == null) {
      throw new IllegalArgumentException("json must not be null");
    }
    return fromDocument(TwinJson.parseObject(json));
  }

  /**
   * Parses a twin document from JSON text, as {@link #parse(byte[])} does.
   *
   * @throws IllegalArgumentException as {@link #parse(byte[])} does
   */
  public static Twin parse(String json) {
    if (json == null) {
      throw new IllegalArgumentException("json must not be null");
    }
    return fromDocument(TwinJson.parseObject(json));
  }

  private static Twin fromDocument(TwinCollection document) {
    Builder builder = builder();
    TwinCollection desired = section(document, "desired");
    TwinCollection reported = section(document, "reported");
    builder.desiredVersion(versionOf(desired.get("$version"), "twin desired section"));
    builder.reportedVersion(versionOf(reported.get("$version"), "twin reported section"));
    builder.desired(withoutDollarKeys(desired));
    builder.reported(withoutDollarKeys(reported));
    TwinCollection desiredMetadata = metadataOf(desired, "desired");
    if (desiredMetadata != null) {
      builder.desiredMetadata(desiredMetadata);
    }
    TwinCollection reportedMetadata = metadataOf(reported, "reported");
    if (reportedMetadata != null) {
      builder.reportedMetadata(reportedMetadata);
    }
    return builder.build();
  }

  private static TwinCollection section(TwinCollection document, String name) {
    Object section = document.get(name);
    if (!(section instanceof TwinCollection)) {
      throw new IllegalArgumentException("twin JSON must have an object member '" + name + "'"
          + (document.containsKey(name) ? ", got " + section : ", it is missing"));
    }
    return (TwinCollection) section;
  }

  private static @Nullable TwinCollection metadataOf(TwinCollection section, String name) {
    Object metadata = section.get("$metadata");
    if (metadata == null) {
      return null;
    }
    if (!(metadata instanceof TwinCollection)) {
      throw new IllegalArgumentException("twin " + name + ".$metadata must be an object, got " + metadata);
    }
    return (TwinCollection) metadata;
  }

  private static TwinCollection withoutDollarKeys(TwinCollection section) {
    TwinCollection.Builder properties = TwinCollection.builder();
    for (Map.Entry<String, @Nullable Object> member : section.asMap().entrySet()) {
      if (!member.getKey().startsWith("$")) {
        properties.put(member.getKey(), member.getValue());
      }
    }
    return properties.build();
  }

  /** Reads a {@code $version} value: a non-negative integer. */
  static long versionOf(@Nullable Object value, String where) {
    if (!(value instanceof Long) || (Long) value < 0) {
      throw new IllegalArgumentException(where + " must carry \"$version\" as a non-negative integer, got "
          + (value == null ? "none" : value));
    }
    return (Long) value;
  }

  /** Returns a builder holding this twin's values. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.desired = desired;
    b.desiredVersion = desiredVersion;
    b.desiredMetadata = desiredMetadata;
    b.reported = reported;
    b.reportedVersion = reportedVersion;
    b.reportedMetadata = reportedMetadata;
    return b;
  }

  /** Returns the desired properties, without {@code $version} and {@code $metadata}. */
  public TwinCollection desired() {
    return desired;
  }

  /** Returns the desired section's {@code $version}. */
  public long desiredVersion() {
    return desiredVersion;
  }

  /** Returns the desired section's {@code $metadata}, or {@code null} when the hub sent none. */
  public @Nullable TwinCollection desiredMetadata() {
    return desiredMetadata;
  }

  /** Returns the reported properties, without {@code $version} and {@code $metadata}. */
  public TwinCollection reported() {
    return reported;
  }

  /** Returns the reported section's {@code $version}. */
  public long reportedVersion() {
    return reportedVersion;
  }

  /** Returns the reported section's {@code $metadata}, or {@code null} when the hub sent none. */
  public @Nullable TwinCollection reportedMetadata() {
    return reportedMetadata;
  }

  /**
   * Returns this twin with the desired {@code patch} applied and the desired version set to the patch's.
   * Desired metadata is dropped, since it no longer describes the properties.
   *
   * @throws IllegalArgumentException if {@code patch} has no version
   */
  public Twin withDesiredPatch(TwinPatch patch) {
    Long version = patch.version();
    if (version == null) {
      throw new IllegalArgumentException("a desired patch applied to a twin must carry its $version");
    }
    Builder b = toBuilder();
    b.desired = patch.applyTo(desired);
    b.desiredVersion = version;
    b.desiredMetadata = null;
    return b.build();
  }

  /**
   * Returns the GET response body for this twin, as IoT Hub sends it (sections with {@code $metadata} when
   * present, then {@code $version}).
   */
  public String toJson() {
    return TwinJson.writeTwin(
        desired, desiredVersion, desiredMetadata, reported, reportedVersion, reportedMetadata);
  }

  @Override
  public boolean equals(@Nullable Object o) {
    if (!(o instanceof Twin)) {
      return false;
    }
    Twin other = (Twin) o;
    return desiredVersion == other.desiredVersion
        && reportedVersion == other.reportedVersion
        && desired.equals(other.desired)
        && reported.equals(other.reported)
        && Objects.equals(desiredMetadata, other.desiredMetadata)
        && Objects.equals(reportedMetadata, other.reportedMetadata);
  }

  @Override
  public int hashCode() {
    return Objects.hash(desired, desiredVersion, desiredMetadata, reported, reportedVersion, reportedMetadata);
  }

  @Override
  public String toString() {
    return "Twin{desiredVersion=" + desiredVersion + ", desired=" + desired
        + ", reportedVersion=" + reportedVersion + ", reported=" + reported + "}";
  }

  /** Builds a {@link Twin}; desired and reported default to empty, both versions are required. */
  public static final class Builder {

    private TwinCollection desired = TwinCollection.empty();
    private long desiredVersion = -1;
    private @Nullable TwinCollection desiredMetadata;
    private TwinCollection reported = TwinCollection.empty();
    private long reportedVersion = -1;
    private @Nullable TwinCollection reportedMetadata;

    private Builder() {}

    /**
     * Sets the desired properties.
     *
     * @throws IllegalArgumentException if {@code desired} is null
     */
    public Builder desired(TwinCollection desired) {
      this.desired = required(desired, "desired");
      return this;
    }

    /**
     * Sets the desired {@code $version}.
     *
     * @throws IllegalArgumentException if {@code version} is negative
     */
    public Builder desiredVersion(long version) {
      this.desiredVersion = nonNegative(version, "desired $version");
      return this;
    }

    /**
     * Sets the desired {@code $metadata}.
     *
     * @throws IllegalArgumentException if {@code metadata} is null
     */
    public Builder desiredMetadata(TwinCollection metadata) {
      this.desiredMetadata = required(metadata, "desired $metadata");
      return this;
    }

    /**
     * Sets the reported properties.
     *
     * @throws IllegalArgumentException if {@code reported} is null
     */
    public Builder reported(TwinCollection reported) {
      this.reported = required(reported, "reported");
      return this;
    }

    /**
     * Sets the reported {@code $version}.
     *
     * @throws IllegalArgumentException if {@code version} is negative
     */
    public Builder reportedVersion(long version) {
      this.reportedVersion = nonNegative(version, "reported $version");
      return this;
    }

    /**
     * Sets the reported {@code $metadata}.
     *
     * @throws IllegalArgumentException if {@code metadata} is null
     */
    public Builder reportedMetadata(TwinCollection metadata) {
      this.reportedMetadata = required(metadata, "reported $metadata");
      return this;
    }

    /**
     * Returns the twin.
     *
     * @throws IllegalStateException if a version was not set
     */
    public Twin build() {
      if (desiredVersion < 0 || reportedVersion < 0) {
        throw new IllegalStateException("a twin needs both desiredVersion and reportedVersion set");
      }
      return new Twin(this);
    }

    private static TwinCollection required(@Nullable TwinCollection value, String name) {
      if (value == null) {
        throw new IllegalArgumentException("twin " + name + " must not be null");
      }
      return value;
    }

    private static long nonNegative(long version, String name) {
      if (version < 0) {
        throw new IllegalArgumentException("twin " + name + " must be >= 0, got " + version);
      }
      return version;
    }
  }
}
