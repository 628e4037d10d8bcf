// A device-management request of the platform to the gateway or a device behind it (protocol.md §14.5).
package io.rxiothub.watson.client;

import io.rxiothub.watson.DmOperation;
import org.jspecify.annotations.Nullable;

/**
 * A platform request (reboot, factory reset, firmware download or update, attribute update, observe, cancel) about
 * device {@code typeId}/{@code deviceId}; answer it with {@code GatewayClient.respond}. Immutable.
 */
public final class PlatformRequest {

  private final String typeId;
  private final String deviceId;
  private final DmOperation operation;
  private final @Nullable String dataJson;
  private final @Nullable String reqId;

  /** Creates a request. @throws IllegalArgumentException if a required argument is null */
  public PlatformRequest(String typeId, String deviceId, DmOperation operation, @Nullable String dataJson,
      @Nullable String reqId) {
    if (typeId == null) {
      throw new IllegalArgumentException("typeId must not be null");
    }
    if (deviceId == null) {
      throw new IllegalArgumentException("deviceId must not be null");
    }
    if (operation == null) {
      throw new IllegalArgumentException("operation must not be null");
    }
    this.typeId = typeId;
    this.deviceId = deviceId;
    this.operation = operation;
    this.dataJson = dataJson;
    this.reqId = reqId;
  }

  /** Returns the device type the request is about. */
  public String typeId() {
    return typeId;
  }

  /** Returns the device id the request is about. */
  public String deviceId() {
    return deviceId;
  }

  /** Returns the operation. */
  public DmOperation operation() {
    return operation;
  }

  /** Returns {@code d} as JSON text, or null. */
  public @Nullable String dataJson() {
    return dataJson;
  }

  /** Returns the request id, or null when the platform wants no response. */
  public @Nullable String reqId() {
    return reqId;
  }

  @Override
  public boolean equals(@Nullable Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof PlatformRequest)) {
      return false;
    }
    PlatformRequest r = (PlatformRequest) o;
    return typeId.equals(r.typeId) && deviceId.equals(r.deviceId) && operation == r.operation
        && (dataJson == null ? r.dataJson == null : dataJson.equals(r.dataJson))
        && (reqId == null ? r.reqId == null : reqId.equals(r.reqId));
  }

  @Override
  public int hashCode() {
    int h = typeId.hashCode();
    h = 31 * h + deviceId.hashCode();
    h = 31 * h + operation.hashCode();
    h = 31 * h + (dataJson == null ? 0 : dataJson.hashCode());
    return 31 * h + (reqId == null ? 0 : reqId.hashCode());
  }

  @Override
  public String toString() {
    return "PlatformRequest{" + operation + " " + typeId + "/" + deviceId + ", reqId=" + reqId
        + (dataJson == null ? "" : ", d=" + dataJson) + "}";
  }
}
