// The direct-method routes of the service face: invoke on a device or module with response and connect timeouts
// (docs/service-api.md §7).
package io.rxiothub.emulator.service.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.reactivex.rxjava3.core.Single;
import io.rxiothub.emulator.MethodResult;
import io.rxiothub.emulator.http.HttpAnswer;
import io.rxiothub.emulator.http.HttpCall;
import io.rxiothub.emulator.internal.HubCore;
import io.rxiothub.emulator.internal.Identity;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/** Invokes methods through the hub core; the answer comes when the device answers or a timeout passes. */
final class MethodRoutes {

  /** How often a call with a connect timeout looks for the device again. */
  private static final long RETRY_MILLIS = 100;

  private final HubCore core;
  private final RegistryRoutes registry;

  MethodRoutes(HubCore core, RegistryRoutes registry) {
    this.core = core;
    this.registry = registry;
  }

  Single<HttpAnswer> invoke(HttpCall call) {
    Identity id = RegistryRoutes.identity(call);
    ObjectNode body = ServiceJson.object(call.body(), "the method invocation");
    JsonNode name = body.get("methodName");
    if (name == null || !name.isTextual() || name.asText().isEmpty()) {
      throw HubError.badRequest("methodName is missing: send {\"methodName\":\"…\",\"payload\":…}");
    }
    String methodName = name.asText();
    if (methodName.contains("/") || methodName.contains("+") || methodName.contains("#")
        || methodName.startsWith("$")) {
      throw HubError.badRequest("methodName '" + methodName + "' must not contain '/', '+', '#' or start with '$'");
    }
    int responseTimeout = seconds(body, "responseTimeoutInSeconds", 30, 5);
    int connectTimeout = seconds(body, "connectTimeoutInSeconds", 0, 0);
    JsonNode payload = body.get("payload");
    String payloadJson = payload == null ? null : payload.toString();
    registry.require(id);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(connectTimeout);
    return attempt(id, methodName, payloadJson, Duration.ofSeconds(responseTimeout), deadline)
        .map(MethodRoutes::answer);
  }

  Single<MethodResult> attempt(Identity id, String methodName, @Nullable String payload, Duration timeout,
      long connectDeadline) {
    return Single.defer(() -> core.invokeMethod(id, methodName, payload, timeout))
        .flatMap(result -> hubErrorCode(result) == 404103 && System.nanoTime() < connectDeadline
            ? Single.timer(RETRY_MILLIS, TimeUnit.MILLISECONDS)
                .flatMap(tick -> attempt(id, methodName, payload, timeout, connectDeadline))
            : Single.just(result));
  }

  private static HttpAnswer answer(MethodResult result) {
    int code = hubErrorCode(result);
    if (code == 404103) {
      throw new HubError(404, "DeviceNotOnline", 404103, message(result));
    }
    if (code == 504101) {
      throw new HubError(504, "GatewayTimeout", 504101, message(result));
    }
    ObjectNode out = responseJson(result);
    return ServiceJson.ok(out);
  }

  /** {@code {"status":…,"payload":…}}: the device's answer (its payload as JSON, or as text when it is not JSON). */
  static ObjectNode responseJson(MethodResult result) {
    ObjectNode out = ServiceJson.JSON.createObjectNode().put("status", result.status());
    String text = result.payload();
    if (text.isEmpty()) {
      out.putNull("payload");
    } else {
      try {
        out.set("payload", ServiceJson.JSON.readTree(text));
      } catch (IOException e) {
        out.put("payload", text);
      }
    }
    return out;
  }

  /**
   * The hub's own error number when the result is the hub's 404 (device offline) or 504 (timeout) rather than the
   * device's answer, else 0. The hub core answers those with {@code {"errorCode":n,"message":…}}.
   */
  static int hubErrorCode(MethodResult result) {
    if (result.status() != 404 && result.status() != 504) {
      return 0;
    }
    try {
      JsonNode node = ServiceJson.JSON.readTree(result.payload());
      int code = node == null ? 0 : node.path("errorCode").asInt(0);
      return (code == 404103 || code == 504101) && node.size() == 2 && node.has("message") ? code : 0;
    } catch (IOException e) {
      return 0;
    }
  }

  static String message(MethodResult result) {
    try {
      return ServiceJson.JSON.readTree(result.payload()).path("message").asText();
    } catch (IOException e) {
      return result.payload();
    }
  }

  static int seconds(ObjectNode body, String field, int absent, int min) {
    JsonNode node = body.get(field);
    if (node == null || node.isNull()) {
      return absent;
    }
    if (!node.canConvertToInt() || !node.isIntegralNumber()) {
      throw HubError.badRequest(field + " must be an integer number of seconds in " + min + "..300");
    }
    int value = node.intValue();
    if (value == 0 && absent > 0) {
      return absent;
    }
    if (value < min || value > 300) {
      throw HubError.badRequest(field + " must be in " + min + "..300 seconds, got " + value);
    }
    return value;
  }
}
