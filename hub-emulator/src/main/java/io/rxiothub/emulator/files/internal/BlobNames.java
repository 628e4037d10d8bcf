// Azure Storage's blob name rules (docs/protocol.md §16.2), as the hub applies them to the name it hands out.
package io.rxiothub.emulator.files.internal;

import java.util.Locale;
import org.jspecify.annotations.Nullable;

/** Checks blob names; the message names the rule broken. */
public final class BlobNames {

  /** The longest blob name. */
  public static final int MAX_LENGTH = 1024;
  /** The most path segments. */
  public static final int MAX_SEGMENTS = 254;

  private BlobNames() {}

  /** Null when {@code name} is a valid blob name, else the rule it breaks. */
  public static @Nullable String problem(String name) {
    if (name.isEmpty()) {
      return "blobName must not be empty";
    }
    if (name.length() > MAX_LENGTH) {
      return "blobName must be at most " + MAX_LENGTH + " characters (with the hub's '{deviceId}/' prefix), got "
          + name.length();
    }
    if (name.endsWith(".") || name.endsWith("/")) {
      return "blobName must not end with '.' or '/'";
    }
    int segments = 1;
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (c < 0x20 || c == 0x7f) {
        return "blobName must not contain control characters (found U+" + String.format(Locale.ROOT, "%04X", (int) c) + " at "
            + i + ")";
      }
      if (c == '\\') {
        return "blobName must not contain '\\' (use '/' to separate virtual directories)";
      }
      if (c == '/') {
        segments++;
        if (i == 0 || name.charAt(i - 1) == '/') {
          return "blobName must not contain an empty path segment ('//' or a leading '/')";
        }
      }
    }
    if (segments > MAX_SEGMENTS) {
      return "blobName must have at most " + MAX_SEGMENTS + " '/'-separated segments, got " + segments;
    }
    return null;
  }
}
