// A device-management request or response (protocol.md §14.5): {"d":…,"reqId":…} / {"rc":…,"message":…,"d":…,"reqId":…}.
package io.rxiothub.watson;

import io.rxiothub.watson.internal.Json;
import java.nio.charset.Charset;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * One device-management message (protocol.md §14.5): a request ({@code d} and {@code reqId}, both optional) or a
 * response ({@code rc}, optional {@code message} and {@code d}, and the request's {@code reqId}). {@code d} is kept
 * as compact JSON text. Parse with {@link #parseRequest(byte[])} or {@link #parseResponse(byte[])}; build with the
 * factories; {@link #toJson()} is the wire form. Immutable.
 */
public final class DmMessage {

  /** Success. */
  public static final int RC_OK = 200;
  /** Accepted: the action starts now. */
  public static final int RC_ACCEPTED = 202;
  /** Changed (attribute update). */
  public static final int RC_CHANGED = 204;
  /** Malformed request or a value out of range. */
  public static final int RC_BAD_REQUEST = 400;
  /** Refused: the device is not managed (Ours, protocol.md §14.5). */
  public static final int RC_FORBIDDEN = 403;
  /** Unknown topic or device. */
  public static final int RC_NOT_FOUND = 404;
  /** Conflict while updating the device database. */
  public static final int RC_CONFLICT = 409;
  /** The action failed. */
  public static final int RC_FAILED = 500;
  /** The action is not supported. */
  public static final int RC_NOT_IMPLEMENTED = 501;

  private static final Charset UTF_8 = Charset.forName("UTF-8");

  private final boolean response;
  private final int rc;
  private final @Nullable String message;
  private final @Nullable String data;
  private final @Nullable String reqId;

  private DmMessage(boolean response, int rc, @Nullable String message, @Nullable String data,
      @Nullable String reqId) {
    this.response = response;
    this.rc = rc;
    this.message = message;
    this.data = data;
    this.reqId = reqId;
  }

  /**
   * Returns a request.
   *
   * @param dataJson the {@code d} object as JSON text, or null for none
   * @param reqId the request id, or null when no response is wanted
   * @throws IllegalArgumentException if {@code dataJson} is not one JSON object or {@code reqId} is empty
   */
  public static DmMessage request(@Nullable String dataJson, @Nullable String reqId) {
    return new DmMessage(false, 0, null, compact(dataJson), checkReqId(reqId));
  }

  /**
   * Returns a response to the request {@code reqId}.
   *
   * @param rc the result code, e.g. {@link #RC_OK}
   * @param message the text, or null for none
   * @param dataJson the {@code d} object as JSON text, or null for none
   * @throws IllegalArgumentException if {@code reqId} is null or empty or {@code dataJson} is not one JSON object
   */
  public static DmMessage response(int rc, @Nullable String message, @Nullable String dataJson, String reqId) {
    if (reqId == null) {
      throw new IllegalArgumentException("reqId must not be null (a response carries its request's reqId)");
    }
    return new DmMessage(true, rc, message, compact(dataJson), checkReqId(reqId));
  }

  /**
   * Parses a request: a JSON object with an optional object {@code d} and an optional non-empty string
   * {@code reqId}; other members are ignored.
   *
   * @throws IllegalArgumentException if {@code payload} is null or breaks these rules; the message names the member
   */
  public static DmMessage parseRequest(byte[] payload) {
    if (payload == null) {
      throw new IllegalArgumentException("device-management request is missing");
    }
    Map<String, Object> json = Json.parseObject(payload, "device-management request");
    return new DmMessage(false, 0, null, dataOf(json), reqIdOf(json, false));
  }

  /**
   * Parses a response: a JSON object with an integer {@code rc}, a non-empty string {@code reqId}, and optional
   * string {@code message} and object {@code d}; other members are ignored.
   *
   * @throws IllegalArgumentException if {@code payload} is null or breaks these rules; the message names the member
   */
  public static DmMessage parseResponse(byte[] payload) {
    if (payload == null) {
      throw new IllegalArgumentException("device-management response is missing");
    }
    Map<String, Object> json = Json.parseObject(payload, "device-management response");
    Object rc = json.get("rc");
    if (rc instanceof String) {
      // RTD-DM writes "rc": "response_code" in one example: accept an integer in a string.
      try {
        rc = Long.parseLong((String) rc);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("device-management response member rc must be an integer", e);
      }
    }
    if (!(rc instanceof Long) || (Long) rc < Integer.MIN_VALUE || (Long) rc > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("device-management response member rc is missing or not an integer");
    }
    Object message = json.get("message");
    if (message != null && message != Json.NULL && !(message instanceof String)) {
      throw new IllegalArgumentException("device-management response member message must be a string");
    }
    return new DmMessage(true, ((Long) rc).intValue(), message instanceof String ? (String) message : null,
        dataOf(json), reqIdOf(json, true));
  }

  private static @Nullable String dataOf(Map<String, Object> json) {
    Object d = json.get("d");
    if (d == null || d == Json.NULL) {
      return null;
    }
    if (!(d instanceof Map)) {
      throw new IllegalArgumentException("device-management member d must be a JSON object");
    }
    return Json.write(d);
  }

  private static @Nullable String reqIdOf(Map<String, Object> json, boolean required) {
    Object reqId = json.get("reqId");
    if (reqId == null || reqId == Json.NULL) {
      if (required) {
        throw new IllegalArgumentException("device-management response member reqId is missing");
      }
      return null;
    }
    if (!(reqId instanceof String) || ((String) reqId).isEmpty()) {
      throw new IllegalArgumentException("device-management member reqId must be a non-empty string");
    }
    return (String) reqId;
  }

  private static @Nullable String compact(@Nullable String dataJson) {
    return dataJson == null ? null : Json.write(Json.parseObject(dataJson, "d"));
  }

  private static @Nullable String checkReqId(@Nullable String reqId) {
    if (reqId != null && reqId.isEmpty()) {
      throw new IllegalArgumentException("reqId must not be empty (use null when no response is wanted)");
    }
    return reqId;
  }

  /** Returns whether this is a response. */
  public boolean isResponse() {
    return response;
  }

  /** Returns the result code of a response; 0 for a request. */
  public int rc() {
    return rc;
  }

  /** Returns a response's text, or null. */
  public @Nullable String message() {
    return message;
  }

  /** Returns {@code d} as compact JSON text, or null when absent. */
  public @Nullable String dataJson() {
    return data;
  }

  /** Returns the request id, or null for a request that wants no response. */
  public @Nullable String reqId() {
    return reqId;
  }

  /** Returns the JSON wire form. */
  public String toJson() {
    Map<String, Object> json = new LinkedHashMap<>();
    if (response) {
      json.put("rc", (long) rc);
      if (message != null) {
        json.put("message", message);
      }
    }
    if (data != null) {
      json.put("d", Json.parseObject(data, "d"));
    }
    if (reqId != null) {
      json.put("reqId", reqId);
    }
    return Json.write(json);
  }

  /** Returns {@link #toJson()} as UTF-8. */
  public byte[] toBytes() {
    return toJson().getBytes(UTF_8);
  }

  @Override
  public boolean equals(@Nullable Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof DmMessage)) {
      return false;
    }
    DmMessage m = (DmMessage) o;
    return response == m.response && rc == m.rc && eq(message, m.message) && eq(data, m.data) && eq(reqId, m.reqId);
  }

  private static boolean eq(@Nullable Object a, @Nullable Object b) {
    return a == null ? b == null : a.equals(b);
  }

  @Override
  public int hashCode() {
    int h = response ? 1 : 0;
    h = 31 * h + rc;
    h = 31 * h + (message == null ? 0 : message.hashCode());
    h = 31 * h + (data == null ? 0 : data.hashCode());
    return 31 * h + (reqId == null ? 0 : reqId.hashCode());
  }

  @Override
  public String toString() {
    return (response ? "DmResponse{rc=" + rc + ", " : "DmRequest{") + "reqId=" + reqId
        + (message == null ? "" : ", message=" + message) + (data == null ? "" : ", d=" + data) + "}";
  }
}
