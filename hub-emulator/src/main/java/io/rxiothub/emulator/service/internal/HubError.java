// An IoT Hub service error: HTTP status, the hub's error code name and number, and a message without secrets.
package io.rxiothub.emulator.service.internal;

import io.rxiothub.emulator.http.HttpAnswer;
import io.rxiothub.emulator.http.HttpRoutes;

/** Thrown by the service face's handlers; answered with the hub's error body (docs/service-api.md §4). */
public final class HubError extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final int status;
  private final String code;
  private final int number;

  public HubError(int status, String code, int number, String message) {
    super(message, null, false, false);
    this.status = status;
    this.code = code;
    this.number = number;
  }

  public static HubError badRequest(String message) {
    return new HubError(400, "ArgumentInvalid", 400004, message);
  }

  public static HubError unauthorized(String message) {
    return new HubError(401, "IotHubUnauthorizedAccess", 401002, message);
  }

  public static HubError notFound(boolean module, String message) {
    return module ? new HubError(404, "ModuleNotFound", 404010, message)
        : new HubError(404, "DeviceNotFound", 404001, message);
  }

  static HubError preconditionFailed(String message) {
    return new HubError(412, "PreconditionFailed", 412002, message);
  }

  /** The hub's error code name ({@code DeviceNotFound}). */
  public String code() {
    return code;
  }

  public HttpAnswer answer() {
    return HttpRoutes.error(status, code, number, String.valueOf(getMessage()));
  }
}
