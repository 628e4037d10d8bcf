// A partial update of twin properties (null deletes), checked against IoT Hub's twin limits.
package io.rxiothub.twin;

import io.rxiothub.twin.internal.TwinJson;
import io.rxiothub.twin.internal.TwinLimits;
import java.nio.charset.Charset;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * A partial update of twin properties: a reported patch the device sends, or a desired patch the hub
 * notifies (then with its {@code $version}).
 *
 * <p>Each member updates or adds the matching property, a {@code null} member deletes it, nested objects
 * merge (see {@link TwinCollection#merge}).
 *
 * <p>Every patch satisfies IoT Hub's twin limits (protocol.md §6), checked when it is built or parsed:
 * keys and strings valid Unicode (no lone surrogate); keys non-empty, at most 1024 UTF-8 bytes, without {@code .}, {@code $}, space or control characters
 * (U+0000-U+001F, U+007F-U+009F); strings at most 4096 UTF-8 bytes; integers in
 * [-4503599627370496, 4503599627370495]; objects and arrays nested at most 10 levels below the patch
 * object; the patch's compact JSON at most 32768 UTF-8 bytes.
 */
public final class TwinPatch {

  private static final Charset UTF_8 = Charset.forName("UTF-8");

  private final TwinCollection properties;
  private final @Nullable Long version;

  private TwinPatch(TwinCollection properties, @Nullable Long version) {
    this.properties = properties;
    this.version = version;
  }

  /** Returns a new empty builder. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Returns a patch without version holding {@code properties}.
   *
   * @throws IllegalArgumentException if {@code properties} breaks a twin limit (the message names the
   *     property and the rule)
   */
  public static TwinPatch of(TwinCollection properties) {
    return builder().properties(properties).build();
  }

  /**
   * Parses a patch body, e.g. a desired-property notification
   * {@code {"telemetrySendFrequency":"5m","route":null,"$version":13}}. A top-level {@code "$version"}
   * becomes {@link #version()}; other top-level members whose key starts with {@code $} (hub metadata
   * such as {@code "$metadata"}) are ignored.
   *
   * @throws IllegalArgumentException if {@code json} is not one well-formed JSON object, its
   *     {@code $version} is not a non-negative integer, or it breaks a twin limit
   */
  public static TwinPatch parse(byte[] json) {
    if (json == null) {
      throw new IllegalArgumentException("json must not be null");
    }
    return fromDocument(TwinJson.parseObject(json));
  }

  /**
   * Parses a patch from JSON text, as {@link #parse(byte[])} does.
   *
   * @throws IllegalArgumentException as {@link #parse(byte[])} does
   */
  public static TwinPatch parse(String json) {
    if (json == null) {
      throw new IllegalArgumentException("json must not be null");
    }
    return fromDocument(TwinJson.parseObject(json));
  }

  /**
   * Builds the patch of a desired-property notification from its topic and body. The version is the
   * body's {@code "$version"} when present, otherwise the topic's {@code $version}.
   *
   * @throws IllegalArgumentException if {@code topic} is not a {@link TwinTopic.Kind#DESIRED_PATCH} topic,
   *     the body is not a valid patch (see {@link #parse(byte[])}), or the body's and the topic's versions
   *     differ
   */
  public static TwinPatch fromDesiredNotification(TwinTopic topic, byte[] body) {
    if (topic == null || topic.kind() != TwinTopic.Kind.DESIRED_PATCH) {
      throw new IllegalArgumentException("a desired notification needs a DESIRED_PATCH topic, got " + topic);
    }
    TwinPatch patch = parse(body);
    Long topicVersion = topic.version();
    if (patch.version == null) {
      return new TwinPatch(patch.properties, topicVersion);
    }
    if (!patch.version.equals(topicVersion)) {
      throw new IllegalArgumentException("desired notification body says \"$version\":" + patch.version
          + " but its topic says $version=" + topicVersion);
    }
    return patch;
  }

  private static TwinPatch fromDocument(TwinCollection document) {
    TwinCollection.Builder properties = TwinCollection.builder();
    Long version = null;
    for (Map.Entry<String, @Nullable Object> member : document.asMap().entrySet()) {
      String key = member.getKey();
      if (key.equals("$version")) {
        version = Twin.versionOf(member.getValue(), "twin patch");
      } else if (!key.startsWith("$")) {
        properties.put(key, member.getValue());
      }
    }
    Builder builder = builder().properties(properties.build());
    if (version != null) {
      builder.version(version);
    }
    return builder.build();
  }

  /** Creates a patch from hub data without the limit checks (used for computed reconciliation patches). */
  static TwinPatch unchecked(TwinCollection properties, @Nullable Long version) {
    return new TwinPatch(properties, version);
  }

  /** Returns a builder holding this patch's properties and version. */
  public Builder toBuilder() {
    Builder builder = new Builder();
    builder.properties = properties.toBuilder();
    builder.version = version;
    return builder;
  }

  /** Returns the patched properties; {@code null} values mean "delete". */
  public TwinCollection properties() {
    return properties;
  }

  /**
   * Returns the {@code $version} this patch produced (desired notifications), or {@code null} when it has
   * none (a reported patch before it is sent).
   */
  public @Nullable Long version() {
    return version;
  }

  /** Returns {@code target} with this patch applied: {@code target.merge(properties())}. */
  public TwinCollection applyTo(TwinCollection target) {
    return target.merge(properties);
  }

  /**
   * Returns the compact JSON of this patch: its properties, then {@code "$version"} when it has one.
   * A reported patch (no version) gives exactly the PATCH body IoT Hub expects.
   */
  public String toJson() {
    return TwinJson.write(properties, version, null);
  }

  /** Returns {@link #toJson()} as UTF-8 bytes, a fresh array each call. */
  public byte[] toJsonBytes() {
    return toJson().getBytes(UTF_8);
  }

  @Override
  public boolean equals(@Nullable Object o) {
    if (!(o instanceof TwinPatch)) {
      return false;
    }
    TwinPatch other = (TwinPatch) o;
    return properties.equals(other.properties) && java.util.Objects.equals(version, other.version);
  }

  @Override
  public int hashCode() {
    return 31 * properties.hashCode() + java.util.Objects.hashCode(version);
  }

  @Override
  public String toString() {
    return "TwinPatch{version=" + version + ", properties=" + properties + "}";
  }

  /**
   * Builds a {@link TwinPatch}. {@link #put} checks the key and the value at once; {@link #build()}
   * checks the whole patch, including its size.
   */
  public static final class Builder {

    private TwinCollection.Builder properties = TwinCollection.builder();
    private @Nullable Long version;

    private Builder() {}

    /**
     * Sets property {@code key} to {@code value}; {@code null} deletes the property when the patch is
     * applied.
     *
     * @throws IllegalArgumentException if the key or the value breaks a twin rule or a limit
     */
    public Builder put(String key, @Nullable Object value) {
      if (key == null) {
        throw new IllegalArgumentException("key must not be null");
      }
      TwinLimits.checkKey(key, "", "twin patch");
      TwinCollection single = TwinCollection.builder().put(key, value).build();
      TwinLimits.check(single, "twin patch");
      properties.put(key, single.get(key));
      return this;
    }

    /**
     * Replaces all properties with {@code properties}.
     *
     * @throws IllegalArgumentException if {@code properties} is null (limits are checked by
     *     {@link #build()})
     */
    public Builder properties(TwinCollection properties) {
      if (properties == null) {
        throw new IllegalArgumentException("properties must not be null");
      }
      this.properties = properties.toBuilder();
      return this;
    }

    /**
     * Sets the {@code $version} the patch produced.
     *
     * @throws IllegalArgumentException if {@code version} is negative
     */
    public Builder version(long version) {
      if (version < 0) {
        throw new IllegalArgumentException("twin patch $version must be >= 0, got " + version);
      }
      this.version = version;
      return this;
    }

    /** Removes the version (a reported patch has none). */
    public Builder clearVersion() {
      this.version = null;
      return this;
    }

    /**
     * Returns the patch.
     *
     * @throws IllegalArgumentException if the properties break a twin limit (the message names the
     *     property and the rule)
     */
    public TwinPatch build() {
      TwinCollection built = properties.build();
      TwinLimits.check(built, "twin patch");
      return new TwinPatch(built, version);
    }
  }
}
