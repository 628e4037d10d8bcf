// A command the gateway received, for itself or a device behind it (protocol.md §14.2).
package io.rxiothub.watson.client;

import java.nio.charset.Charset;
import java.util.Arrays;
import org.jspecify.annotations.Nullable;

/** A command: the device it is for, the command id, the format and the payload. Immutable. */
public final class Command {

  private final String typeId;
  private final String deviceId;
  private final String commandId;
  private final String format;
  private final byte[] payload;

  /** Creates a command; {@code payload} is copied. @throws IllegalArgumentException if an argument is null */
  public Command(String typeId, String deviceId, String commandId, String format, byte[] payload) {
    if (typeId == null) {
      throw new IllegalArgumentException("typeId must not be null");
    }
    if (deviceId == null) {
      throw new IllegalArgumentException("deviceId must not be null");
    }
    if (commandId == null) {
      throw new IllegalArgumentException("commandId must not be null");
    }
    if (format == null) {
      throw new IllegalArgumentException("format must not be null");
    }
    if (payload == null) {
      throw new IllegalArgumentException("payload must not be null");
    }
    this.typeId = typeId;
    this.deviceId = deviceId;
    this.commandId = commandId;
    this.format = format;
    this.payload = payload.clone();
  }

  /** Returns the device type the command is for. */
  public String typeId() {
    return typeId;
  }

  /** Returns the device id the command is for. */
  public String deviceId() {
    return deviceId;
  }

  /** Returns the command id. */
  public String commandId() {
    return commandId;
  }

  /** Returns the format. */
  public String format() {
    return format;
  }

  /** Returns a copy of the payload. */
  public byte[] payload() {
    return payload.clone();
  }

  /** Returns the payload as UTF-8 text. */
  public String payloadAsString() {
    return new String(payload, Charset.forName("UTF-8"));
  }

  @Override
  public boolean equals(@Nullable Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof Command)) {
      return false;
    }
    Command c = (Command) o;
    return typeId.equals(c.typeId) && deviceId.equals(c.deviceId) && commandId.equals(c.commandId)
        && format.equals(c.format) && Arrays.equals(payload, c.payload);
  }

  @Override
  public int hashCode() {
    int h = typeId.hashCode();
    h = 31 * h + deviceId.hashCode();
    h = 31 * h + commandId.hashCode();
    h = 31 * h + format.hashCode();
    return 31 * h + Arrays.hashCode(payload);
  }

  @Override
  public String toString() {
    return "Command{" + typeId + "/" + deviceId + " " + commandId + " fmt " + format + ", " + payload.length
        + " bytes}";
  }
}
