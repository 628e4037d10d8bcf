// ISO 8601 timestamps for notifications without java.time (Android API 24).
package io.rxiothub.watson.internal;

import java.text.SimpleDateFormat;
import java.util.Date;
import java.util.Locale;
import java.util.TimeZone;

/** Formats epoch milliseconds as {@code yyyy-MM-dd'T'HH:mm:ss.SSS'Z'} (UTC). */
public final class Timestamps {

  private Timestamps() {}

  /** Returns {@code epochMillis} in ISO 8601, UTC, milliseconds. */
  public static String iso8601(long epochMillis) {
    // SimpleDateFormat is not thread-safe: one per call (notifications are rare).
    SimpleDateFormat format = new SimpleDateFormat("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'", Locale.ROOT);
    format.setTimeZone(TimeZone.getTimeZone("UTC"));
    return format.format(new Date(epochMillis));
  }
}
