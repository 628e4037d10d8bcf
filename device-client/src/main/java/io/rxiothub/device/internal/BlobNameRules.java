// Azure Storage's blob name rules (protocol.md §16.2), checked on the device before asking the hub.
package io.rxiothub.device.internal;

import org.jspecify.annotations.Nullable;

/** The same rules the emulator applies; the message names the rule. */
final class BlobNameRules {

  private BlobNameRules() {}

  /** Null when {@code name}, stored behind a prefix of {@code prefixLength} characters, is valid; else the rule. */
  static @Nullable String problem(String name, int prefixLength) {
    if (name.isEmpty()) {
      return "blobName must not be empty";
    }
    if (name.length() + prefixLength > 1024) {
      return "blobName must be at most " + (1024 - prefixLength) + " characters here (storage allows 1024 with"
          + " the hub's '{deviceId}/' prefix), got " + name.length();
    }
    if (name.endsWith(".") || name.endsWith("/")) {
      return "blobName must not end with '.' or '/'";
    }
    int segments = 1;
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (c < 0x20 || c == 0x7f) {
        return "blobName must not contain control characters (found one at index " + i + ")";
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
    if (segments > 253) {
      return "blobName must have at most 253 '/'-separated segments (254 with the hub's prefix), got " + segments;
    }
    return null;
  }
}
