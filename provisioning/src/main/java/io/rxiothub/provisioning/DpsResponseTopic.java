// A parsed DPS response topic, $dps/registrations/res/{status}/?$rid={rid}[&retry-after={s}] (protocol.md §15.2).
package io.rxiothub.provisioning;

import io.rxiothub.sas.PercentEncoding;
import org.jspecify.annotations.Nullable;

/** The status, request id and retry-after of a response topic. Immutable. */
public final class DpsResponseTopic {

  private static final int MAX_TOPIC = 1024;

  private final int status;
  private final String requestId;
  private final long retryAfterSeconds;

  private DpsResponseTopic(int status, String requestId, long retryAfterSeconds) {
    this.status = status;
    this.requestId = requestId;
    this.retryAfterSeconds = retryAfterSeconds;
  }

  /**
   * Returns a response topic's value.
   *
   * @param status the HTTP-like status, 100..999
   * @param requestId the request's {@code $rid}, non-empty
   * @param retryAfterSeconds the {@code retry-after} property, or -1 for none
   * @throws IllegalArgumentException naming the argument and the rule it breaks
   */
  public static DpsResponseTopic of(int status, String requestId, long retryAfterSeconds) {
    if (status < 100 || status > 999) {
      throw new IllegalArgumentException("status must be 100..999, was " + status);
    }
    if (requestId == null || requestId.isEmpty()) {
      throw new IllegalArgumentException("requestId must not be null or empty");
    }
    if (retryAfterSeconds < -1) {
      throw new IllegalArgumentException("retryAfterSeconds must be -1 (none) or >= 0, was " + retryAfterSeconds);
    }
    return new DpsResponseTopic(status, requestId, retryAfterSeconds);
  }

  /**
   * Parses {@code $dps/registrations/res/{status}/?$rid={rid}[&retry-after={s}][&…]}; other properties are ignored.
   *
   * @throws IllegalArgumentException naming the part of the topic that is wrong
   */
  public static DpsResponseTopic parse(String topic) {
    if (topic == null) {
      throw new IllegalArgumentException("response topic is missing");
    }
    if (topic.length() > MAX_TOPIC) {
      throw new IllegalArgumentException("response topic is longer than " + MAX_TOPIC + " characters");
    }
    if (!topic.startsWith(DpsTopics.RESPONSE_PREFIX)) {
      throw new IllegalArgumentException("response topic must start with '" + DpsTopics.RESPONSE_PREFIX + "'");
    }
    int slash = topic.indexOf("/?", DpsTopics.RESPONSE_PREFIX.length());
    if (slash < 0) {
      throw new IllegalArgumentException("response topic must be " + DpsTopics.RESPONSE_PREFIX
          + "{status}/?$rid={rid}");
    }
    String statusText = topic.substring(DpsTopics.RESPONSE_PREFIX.length(), slash);
    int status = parseStatus(statusText);
    String rid = null;
    long retryAfter = -1;
    for (String pair : topic.substring(slash + 2).split("&", -1)) {
      int eq = pair.indexOf('=');
      String name = eq < 0 ? pair : pair.substring(0, eq);
      String value = eq < 0 ? "" : pair.substring(eq + 1);
      if (name.equals("$rid")) {
        if (rid != null) {
          throw new IllegalArgumentException("response topic has two $rid properties");
        }
        rid = PercentEncoding.decode(value);
      } else if (name.equals("retry-after")) {
        retryAfter = parseRetryAfter(value);
      }
    }
    if (rid == null || rid.isEmpty()) {
      throw new IllegalArgumentException("response topic has no $rid property");
    }
    return new DpsResponseTopic(status, rid, retryAfter);
  }

  private static int parseStatus(String text) {
    if (text.length() != 3) {
      throw new IllegalArgumentException("response topic status must be 3 digits");
    }
    int status = 0;
    for (int i = 0; i < 3; i++) {
      char c = text.charAt(i);
      if (c < '0' || c > '9') {
        throw new IllegalArgumentException("response topic status must be 3 digits");
      }
      status = status * 10 + (c - '0');
    }
    if (status < 100) {
      throw new IllegalArgumentException("response topic status must be 100..999");
    }
    return status;
  }

  private static long parseRetryAfter(String text) {
    if (text.isEmpty() || text.length() > 9) {
      throw new IllegalArgumentException("retry-after must be 1 to 9 decimal digits (seconds)");
    }
    long seconds = 0;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c < '0' || c > '9') {
        throw new IllegalArgumentException("retry-after must be 1 to 9 decimal digits (seconds)");
      }
      seconds = seconds * 10 + (c - '0');
    }
    return seconds;
  }

  /** Formats this value as a topic: {@code $dps/registrations/res/{status}/?$rid={rid}[&retry-after={s}]}. */
  public String format() {
    return DpsTopics.RESPONSE_PREFIX + status + "/?$rid=" + PercentEncoding.encode(requestId)
        + (retryAfterSeconds >= 0 ? "&retry-after=" + retryAfterSeconds : "");
  }

  /** The status: 200, 202, or an error status. */
  public int status() {
    return status;
  }

  /** The {@code $rid} of the request this answers. */
  public String requestId() {
    return requestId;
  }

  /** The {@code retry-after} property in seconds, or -1 when absent. */
  public long retryAfterSeconds() {
    return retryAfterSeconds;
  }

  /** Whether the status says to try the same request again later (429 and 5xx, as the Node and C SDKs do). */
  public boolean isTransient() {
    return status >= 429;
  }

  @Override
  public boolean equals(@Nullable Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof DpsResponseTopic)) {
      return false;
    }
    DpsResponseTopic other = (DpsResponseTopic) o;
    return status == other.status && retryAfterSeconds == other.retryAfterSeconds
        && requestId.equals(other.requestId);
  }

  @Override
  public int hashCode() {
    return (status * 31 + requestId.hashCode()) * 31 + Long.hashCode(retryAfterSeconds);
  }

  @Override
  public String toString() {
    return "DpsResponseTopic{status=" + status + ", requestId=" + requestId + ", retryAfterSeconds="
        + retryAfterSeconds + "}";
  }
}
