// The body of a register request: {"registrationId":"…"[,"payload":…]}, model id inside the payload (§15.2).
package io.rxiothub.provisioning;

import io.rxiothub.provisioning.internal.DpsJson;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/** A register request body. Immutable. */
public final class RegistrationRequest {

  private final String registrationId;
  private final @Nullable String payload;

  private RegistrationRequest(String registrationId, @Nullable String payload) {
    this.registrationId = registrationId;
    this.payload = payload;
  }

  /**
   * Returns a request body.
   *
   * @param payloadJson the custom payload as JSON text, or null
   * @param modelId a Plug and Play model id to send as the payload's {@code modelId}, or null
   * @throws IllegalArgumentException if the id is empty, the payload is not JSON, or a model id is given with a
   *     payload that is not a JSON object
   */
  public static RegistrationRequest of(String registrationId, @Nullable String payloadJson,
      @Nullable String modelId) {
    if (registrationId == null || registrationId.isEmpty()) {
      throw new IllegalArgumentException("registrationId must not be null or empty");
    }
    Object payload = payloadJson == null ? null : DpsJson.parse(payloadJson, "payload");
    if (modelId != null) {
      if (modelId.isEmpty()) {
        throw new IllegalArgumentException("modelId must not be empty");
      }
      if (payloadJson != null && !(payload instanceof Map)) {
        throw new IllegalArgumentException("payload must be a JSON object when a model id is set");
      }
      @SuppressWarnings("unchecked")
      Map<String, @Nullable Object> merged = payload == null ? new LinkedHashMap<>()
          : new LinkedHashMap<>((Map<String, @Nullable Object>) payload);
      merged.put("modelId", modelId);
      payload = merged;
    }
    return new RegistrationRequest(registrationId, payloadJson == null && modelId == null ? null
        : DpsJson.write(payload));
  }

  /**
   * Parses a request body. A payload sent as a JSON string (the official Java SDK's form) is kept as that string.
   *
   * @throws IllegalArgumentException if the body is not a JSON object with a non-empty {@code registrationId}
   */
  public static RegistrationRequest parse(byte[] body) {
    if (body == null) {
      throw new IllegalArgumentException("registration request body is missing");
    }
    String what = "registration request";
    Map<String, @Nullable Object> json = DpsJson.parseObject(body, what);
    String id = DpsJson.string(json, "registrationId", what);
    if (id == null || id.isEmpty()) {
      throw new IllegalArgumentException("registration request has no registrationId");
    }
    Object payload = json.get("payload");
    return new RegistrationRequest(id, payload == null ? null : DpsJson.write(payload));
  }

  /** This body as compact JSON. */
  public String toJson() {
    Map<String, @Nullable Object> json = new LinkedHashMap<>();
    json.put("registrationId", registrationId);
    if (payload != null) {
      json.put("payload", DpsJson.parse(payload, "payload"));
    }
    return DpsJson.write(json);
  }

  /** The registration id. */
  public String registrationId() {
    return registrationId;
  }

  /** The payload as compact JSON text (with {@code modelId} when one was set), or null. */
  public @Nullable String payload() {
    return payload;
  }

  @Override
  public boolean equals(@Nullable Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof RegistrationRequest)) {
      return false;
    }
    RegistrationRequest other = (RegistrationRequest) o;
    return registrationId.equals(other.registrationId) && Objects.equals(payload, other.payload);
  }

  @Override
  public int hashCode() {
    return Objects.hash(registrationId, payload);
  }

  @Override
  public String toString() {
    return "RegistrationRequest{registrationId=" + registrationId
        + (payload == null ? "" : ", payload=" + payload.length() + " chars") + "}";
  }
}
