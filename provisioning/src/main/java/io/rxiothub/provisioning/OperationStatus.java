// The body of a register or operation-status response: operation id, status, registration state (§15.2).
package io.rxiothub.provisioning;

import io.rxiothub.provisioning.internal.DpsJson;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/** {@code {"operationId":…,"status":…[,"registrationState":{…}]}}. Immutable. */
public final class OperationStatus {

  private static final int MAX_OPERATION_ID = 512;

  private final String operationId;
  private final RegistrationStatus status;
  private final @Nullable Registration registrationState;

  private OperationStatus(String operationId, RegistrationStatus status, @Nullable Registration registrationState) {
    this.operationId = operationId;
    this.status = status;
    this.registrationState = registrationState;
  }

  /**
   * Returns a status body.
   *
   * @throws IllegalArgumentException if the operation id is empty or too long, or a final status has no state
   */
  public static OperationStatus of(String operationId, RegistrationStatus status,
      @Nullable Registration registrationState) {
    if (operationId == null || operationId.isEmpty() || operationId.length() > MAX_OPERATION_ID) {
      throw new IllegalArgumentException("operationId must be 1.." + MAX_OPERATION_ID + " characters");
    }
    if (status == null) {
      throw new IllegalArgumentException("status must not be null");
    }
    if (status.isFinal() && registrationState == null) {
      throw new IllegalArgumentException("registrationState is required when the status is " + status.wireName());
    }
    return new OperationStatus(operationId, status, registrationState);
  }

  /**
   * Parses a response body (UTF-8 JSON).
   *
   * @throws IllegalArgumentException naming the member and the rule it breaks
   */
  public static OperationStatus parse(byte[] body) {
    if (body == null) {
      throw new IllegalArgumentException("operation status body is missing");
    }
    String what = "operation status";
    Map<String, @Nullable Object> json = DpsJson.parseObject(body, what);
    String operationId = DpsJson.string(json, "operationId", what);
    String statusText = DpsJson.string(json, "status", what);
    if (operationId == null || operationId.isEmpty()) {
      throw new IllegalArgumentException("operation status has no operationId");
    }
    if (statusText == null) {
      throw new IllegalArgumentException("operation status has no status");
    }
    Map<String, @Nullable Object> state = DpsJson.object(json, "registrationState", what);
    Registration registration = state == null ? null : Registration.fromJson(state, what + ".registrationState");
    return of(operationId, RegistrationStatus.fromWire(statusText), registration);
  }

  /** Parses a response body given as text. @throws IllegalArgumentException as {@link #parse(byte[])} */
  public static OperationStatus parse(String body) {
    if (body == null) {
      throw new IllegalArgumentException("operation status body is missing");
    }
    return parse(body.getBytes(StandardCharsets.UTF_8));
  }

  /** This body as compact JSON. */
  public String toJson() {
    Map<String, @Nullable Object> json = new LinkedHashMap<>();
    json.put("operationId", operationId);
    json.put("status", status.wireName());
    if (registrationState != null) {
      json.put("registrationState", registrationState.toJsonMap());
    }
    return DpsJson.write(json);
  }

  /** The operation id to poll with. */
  public String operationId() {
    return operationId;
  }

  /** The operation's status. */
  public RegistrationStatus status() {
    return status;
  }

  /** The registration state, or null while it is not known. */
  public @Nullable Registration registrationState() {
    return registrationState;
  }

  @Override
  public boolean equals(@Nullable Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof OperationStatus)) {
      return false;
    }
    OperationStatus other = (OperationStatus) o;
    return operationId.equals(other.operationId) && status == other.status
        && Objects.equals(registrationState, other.registrationState);
  }

  @Override
  public int hashCode() {
    return Objects.hash(operationId, status, registrationState);
  }

  @Override
  public String toString() {
    return "OperationStatus{operationId=" + operationId + ", status=" + status.wireName()
        + (registrationState == null ? "" : ", registrationState=" + registrationState) + "}";
  }
}
