// The mgmt.firmware attribute of a managed device (docs/protocol.md §14.10): what to download, and the download
// state and update status the device reports while it downloads and installs it.
package io.rxiothub.watson;

import io.rxiothub.watson.internal.Json;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The {@code mgmt.firmware} attribute (RTD-DM "Firmware Actions"): {@code version}, {@code name}, {@code uri},
 * {@code verifier}, {@code state} (0 idle, 1 downloading, 2 downloaded), {@code updateStatus} (0 success, 1 in
 * progress, 2 out of memory, 3 connection lost, 4 verification failed, 5 unsupported image, 6 invalid URI) and
 * {@code updatedDateTime}. {@link #parse} reads a whole or partial value strictly; {@link #merge} applies a partial
 * value (a notify carries only what changed); {@link #toValueJson()} is the wire form. Immutable.
 */
public final class Firmware {

  /** The device is not downloading firmware. */
  public static final int STATE_IDLE = 0;
  /** The device is downloading firmware. */
  public static final int STATE_DOWNLOADING = 1;
  /** The device downloaded firmware and can install it. */
  public static final int STATE_DOWNLOADED = 2;

  /** The firmware was updated (also: no update failed yet). */
  public static final int UPDATE_SUCCESS = 0;
  /** The update started and is not finished. */
  public static final int UPDATE_IN_PROGRESS = 1;
  /** Out of memory during the operation. */
  public static final int UPDATE_OUT_OF_MEMORY = 2;
  /** The connection was lost during the download. */
  public static final int UPDATE_CONNECTION_LOST = 3;
  /** The image failed verification. */
  public static final int UPDATE_VERIFICATION_FAILED = 4;
  /** The device does not support the image. */
  public static final int UPDATE_UNSUPPORTED_IMAGE = 5;
  /** The device could not download from the URI. */
  public static final int UPDATE_INVALID_URI = 6;

  /** The attribute's name in device/update, observe, cancel and notify. */
  public static final String FIELD = "mgmt.firmware";

  private final @Nullable String version;
  private final @Nullable String name;
  private final @Nullable String uri;
  private final @Nullable String verifier;
  private final int state;
  private final int updateStatus;
  private final @Nullable String updatedDateTime;

  private Firmware(Builder b) {
    this.version = b.version;
    this.name = b.name;
    this.uri = b.uri;
    this.verifier = b.verifier;
    this.state = b.state;
    this.updateStatus = b.updateStatus;
    this.updatedDateTime = b.updatedDateTime;
  }

  /** Returns a builder: nothing to download, state idle, update status success. */
  public static Builder builder() {
    return new Builder();
  }

  /** Returns a builder holding this value. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.version = version;
    b.name = name;
    b.uri = uri;
    b.verifier = verifier;
    b.state = state;
    b.updateStatus = updateStatus;
    b.updatedDateTime = updatedDateTime;
    return b;
  }

  /**
   * Parses a {@code mgmt.firmware} value (members absent keep the builder's defaults).
   *
   * @throws IllegalArgumentException naming the member when one has the wrong type or is out of range
   */
  public static Firmware parse(String valueJson) {
    return builder().build().merge(valueJson);
  }

  /**
   * Returns this value with the members present in {@code valueJson} replaced.
   *
   * @throws IllegalArgumentException naming the member when one has the wrong type or is out of range
   */
  public Firmware merge(String valueJson) {
    if (valueJson == null) {
      throw new IllegalArgumentException("valueJson must not be null");
    }
    Map<String, Object> v = Json.parseObject(valueJson, FIELD + " value");
    Builder b = toBuilder();
    if (v.containsKey("version")) {
      b.version = text(v, "version");
    }
    if (v.containsKey("name")) {
      b.name = text(v, "name");
    }
    if (v.containsKey("uri")) {
      b.uri = text(v, "uri");
    }
    if (v.containsKey("verifier")) {
      b.verifier = text(v, "verifier");
    }
    if (v.containsKey("updatedDateTime")) {
      b.updatedDateTime = text(v, "updatedDateTime");
    }
    if (v.containsKey("state")) {
      b.state(number(v, "state"));
    }
    if (v.containsKey("updateStatus")) {
      b.updateStatus(number(v, "updateStatus"));
    }
    return b.build();
  }

  private static @Nullable String text(Map<String, Object> v, String member) {
    Object o = v.get(member);
    if (o == Json.NULL) {
      return null;
    }
    if (!(o instanceof String)) {
      throw new IllegalArgumentException(FIELD + "." + member + " must be a string");
    }
    return (String) o;
  }

  private static int number(Map<String, Object> v, String member) {
    Object o = v.get(member);
    if (!(o instanceof Long) || (Long) o < 0 || (Long) o > 6) {
      throw new IllegalArgumentException(FIELD + "." + member + " must be an integer, was " + o);
    }
    return ((Long) o).intValue();
  }

  /** Returns the firmware version, or null. */
  public @Nullable String version() {
    return version;
  }

  /** Returns the firmware name, or null. */
  public @Nullable String name() {
    return name;
  }

  /** Returns where to download the image from, or null. */
  public @Nullable String uri() {
    return uri;
  }

  /** Returns the verifier of the image (e.g. a checksum), or null. */
  public @Nullable String verifier() {
    return verifier;
  }

  /** Returns the download state: {@link #STATE_IDLE}, {@link #STATE_DOWNLOADING} or {@link #STATE_DOWNLOADED}. */
  public int state() {
    return state;
  }

  /** Returns the update status, {@link #UPDATE_SUCCESS} to {@link #UPDATE_INVALID_URI}. */
  public int updateStatus() {
    return updateStatus;
  }

  /** Returns when the attribute was last updated (ISO 8601 as sent), or null. */
  public @Nullable String updatedDateTime() {
    return updatedDateTime;
  }

  /** Returns whether {@link #uri()} is set and an absolute URI (the download's precondition, RTD-DM). */
  public boolean hasValidUri() {
    // RFC 3986: scheme ":" hier-part, scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ); no spaces or controls
    if (uri == null) {
      return false;
    }
    int colon = uri.indexOf(':');
    if (colon < 1 || colon == uri.length() - 1 || !isAlpha(uri.charAt(0))) {
      return false;
    }
    for (int i = 1; i < colon; i++) {
      char c = uri.charAt(i);
      if (!isAlpha(c) && !(c >= '0' && c <= '9') && c != '+' && c != '-' && c != '.') {
        return false;
      }
    }
    for (int i = colon + 1; i < uri.length(); i++) {
      if (uri.charAt(i) <= ' ' || uri.charAt(i) == 0x7f) {
        return false;
      }
    }
    return true;
  }

  /**
   * Returns the {@code rc} a device answers a firmware download request with in this state (RTD-DM): 501 when it
   * cannot download, 400 when {@code state} is not idle or {@code uri} is not an absolute URI, else 202.
   */
  public int downloadRc(boolean supported) {
    if (!supported) {
      return DmMessage.RC_NOT_IMPLEMENTED;
    }
    return state != STATE_IDLE || !hasValidUri() ? DmMessage.RC_BAD_REQUEST : DmMessage.RC_ACCEPTED;
  }

  /**
   * Returns the {@code rc} a device answers a firmware update request with in this state (RTD-DM): 501 when it
   * cannot update, 400 when nothing was downloaded ({@code state} is not 2), else 202.
   */
  public int updateRc(boolean supported) {
    if (!supported) {
      return DmMessage.RC_NOT_IMPLEMENTED;
    }
    return state != STATE_DOWNLOADED ? DmMessage.RC_BAD_REQUEST : DmMessage.RC_ACCEPTED;
  }

  private static boolean isAlpha(char c) {
    return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z';
  }

  /** Returns the value as compact JSON (absent members left out, state and update status always present). */
  public String toValueJson() {
    Map<String, Object> v = new LinkedHashMap<>();
    put(v, "version", version);
    put(v, "name", name);
    put(v, "uri", uri);
    put(v, "verifier", verifier);
    v.put("state", (long) state);
    v.put("updateStatus", (long) updateStatus);
    put(v, "updatedDateTime", updatedDateTime);
    return Json.write(v);
  }

  /** Returns {@code {"state":…,"updateStatus":…}}, what a notify of a download or update step carries. */
  public String statusJson() {
    return "{\"state\":" + state + ",\"updateStatus\":" + updateStatus + "}";
  }

  private static void put(Map<String, Object> v, String member, @Nullable String value) {
    if (value != null) {
      v.put(member, value);
    }
  }

  @Override
  public boolean equals(@Nullable Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof Firmware)) {
      return false;
    }
    Firmware f = (Firmware) o;
    return state == f.state && updateStatus == f.updateStatus && eq(version, f.version) && eq(name, f.name)
        && eq(uri, f.uri) && eq(verifier, f.verifier) && eq(updatedDateTime, f.updatedDateTime);
  }

  private static boolean eq(@Nullable String a, @Nullable String b) {
    return a == null ? b == null : a.equals(b);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(new Object[] {version, name, uri, verifier, state, updateStatus, updatedDateTime});
  }

  @Override
  public String toString() {
    return "Firmware{version=" + version + ", name=" + name + ", uri=" + uri + ", state=" + state
        + ", updateStatus=" + updateStatus + "}";
  }

  /** Builds a {@link Firmware}. */
  public static final class Builder {
    private @Nullable String version;
    private @Nullable String name;
    private @Nullable String uri;
    private @Nullable String verifier;
    private int state = STATE_IDLE;
    private int updateStatus = UPDATE_SUCCESS;
    private @Nullable String updatedDateTime;

    private Builder() {}

    /** Sets the version (null: none). */
    public Builder version(@Nullable String version) {
      this.version = version;
      return this;
    }

    /** Sets the name (null: none). */
    public Builder name(@Nullable String name) {
      this.name = name;
      return this;
    }

    /** Sets the image's URI (null: none; checked by the device, not here). */
    public Builder uri(@Nullable String uri) {
      this.uri = uri;
      return this;
    }

    /** Sets the verifier (null: none). */
    public Builder verifier(@Nullable String verifier) {
      this.verifier = verifier;
      return this;
    }

    /** Sets the download state. @throws IllegalArgumentException unless 0, 1 or 2 */
    public Builder state(int state) {
      if (state < STATE_IDLE || state > STATE_DOWNLOADED) {
        throw new IllegalArgumentException(FIELD + ".state must be 0 (idle), 1 (downloading) or 2 (downloaded), was "
            + state);
      }
      this.state = state;
      return this;
    }

    /** Sets the update status. @throws IllegalArgumentException unless 0 to 6 */
    public Builder updateStatus(int updateStatus) {
      if (updateStatus < UPDATE_SUCCESS || updateStatus > UPDATE_INVALID_URI) {
        throw new IllegalArgumentException(FIELD + ".updateStatus must be 0 to 6, was " + updateStatus);
      }
      this.updateStatus = updateStatus;
      return this;
    }

    /** Sets when the attribute was updated (null: not set). */
    public Builder updatedDateTime(@Nullable String updatedDateTime) {
      this.updatedDateTime = updatedDateTime;
      return this;
    }

    /** Returns the value. */
    public Firmware build() {
      return new Firmware(this);
    }
  }
}
