// Emulator-only routes the console's pages need beside IoT Hub's service REST API: connections with their activity,
// the C2D delivery states of a device, and fault buttons (docs/console.md §4). Same SAS policies as the service API.
package io.rxiothub.emulator.console.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.reactivex.rxjava3.core.Single;
import io.reactivex.rxjava3.disposables.Disposable;
import io.rxiothub.emulator.DeviceIdentity;
import io.rxiothub.emulator.http.HttpAnswer;
import io.rxiothub.emulator.http.HttpCall;
import io.rxiothub.emulator.http.HttpRoutes;
import io.rxiothub.emulator.internal.C2dEntry;
import io.rxiothub.emulator.internal.HubCore;
import io.rxiothub.emulator.internal.Identity;
import io.rxiothub.emulator.internal.SharedAccessPolicies.Permission;
import io.rxiothub.emulator.service.internal.HubError;
import io.rxiothub.emulator.service.internal.ServiceAuth;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/** The console's emulator-only routes over the hub core. */
final class ConsoleRoutes implements AutoCloseable {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Set<Permission> SERVICE = EnumSet.of(Permission.SERVICE_CONNECT);
  private static final Set<Permission> READ = EnumSet.of(Permission.SERVICE_CONNECT, Permission.REGISTRY_READ);
  /** The longest PUBACK delay the throttle button sets (the device's in-flight window then fills up). */
  static final long MAX_THROTTLE_MILLIS = 60_000;

  private final HubCore core;
  private final ServiceAuth auth;
  private final C2dHistory c2d;
  private final Map<String, Instant> lastTelemetry = new ConcurrentHashMap<>();
  private final Disposable activity;

  ConsoleRoutes(HubCore core, ServiceAuth auth) {
    this.core = core;
    this.auth = auth;
    this.c2d = new C2dHistory(core);
    this.activity = core.telemetryStream().subscribe(m -> lastTelemetry.put(
        new Identity(m.deviceId(), m.moduleId()).clientId(), m.enqueuedTime()));
  }

  void install(HttpRoutes routes) {
    add(routes, "GET", "/emulator/connections", READ, this::connections);
    add(routes, "GET", "/emulator/devices/{id}/messages", SERVICE, this::messages);
    add(routes, "POST", "/emulator/devices/{id}/faults", SERVICE,
        call -> fault(call, new Identity(call.path("id"), null)));
    add(routes, "POST", "/emulator/devices/{id}/modules/{mid}/faults", SERVICE,
        call -> fault(call, new Identity(call.path("id"), call.path("mid"))));
  }

  private void add(HttpRoutes routes, String method, String template, Set<Permission> permissions,
      Function<HttpCall, HttpAnswer> handler) {
    routes.add(method, template, call -> Single.fromCallable(() -> {
      auth.check(call.header("Authorization"), permissions);
      return handler.apply(call);
    }).onErrorReturn(e -> {
      if (e instanceof HubError hub) {
        return hub.answer();
      }
      if (e instanceof IllegalArgumentException) {
        return HubError.badRequest(String.valueOf(e.getMessage())).answer();
      }
      throw e;
    }));
  }

  /** Every identity: connected now, connections accepted since start, last telemetry (null if none since start). */
  private HttpAnswer connections(HttpCall call) {
    ArrayNode out = JSON.createArrayNode();
    for (DeviceIdentity identity : core.registry().list()) {
      Identity id = new Identity(identity.deviceId(), identity.moduleId());
      ObjectNode row = out.addObject().put("deviceId", identity.deviceId());
      if (identity.moduleId() != null) {
        row.put("moduleId", identity.moduleId());
      }
      Instant last = lastTelemetry.get(id.clientId());
      row.put("connected", core.isConnected(id)).put("acceptedConnections", core.acceptedConnections(id.clientId()))
          .put("lastTelemetryTime", last == null ? null : last.toString());
    }
    return HttpAnswer.json(200, out.toString());
  }

  /** The device's C2D messages with their states, oldest first. */
  private HttpAnswer messages(HttpCall call) {
    String deviceId = call.path("id");
    require(new Identity(deviceId, null));
    ArrayNode out = JSON.createArrayNode();
    for (C2dEntry entry : c2d.of(deviceId)) {
      ObjectNode row = out.addObject().put("messageId", entry.messageId()).put("state", entry.state().name())
          .put("enqueuedTime", entry.enqueuedTime().toString()).put("expiryTime", entry.expiryTime().toString())
          .put("payload", new String(entry.payload(), StandardCharsets.UTF_8));
      ObjectNode properties = row.putObject("properties");
      for (Map.Entry<String, @Nullable String> p : entry.properties().entrySet()) {
        properties.put(p.getKey(), p.getValue());
      }
    }
    return HttpAnswer.json(200, out.toString());
  }

  /** {@code {"fault":"partition"|"heal"|"throttle"|"clear","delayMillis":n}} for one identity. */
  private HttpAnswer fault(HttpCall call, Identity id) {
    require(id);
    JsonNode body;
    try {
      body = call.bodyLength() == 0 ? JSON.createObjectNode() : JSON.readTree(call.body());
    } catch (IOException e) {
      throw HubError.badRequest("the fault request is not valid JSON: send {\"fault\":\"partition\"}");
    }
    String fault = body.path("fault").asText("");
    String clientId = id.clientId();
    ObjectNode answer = JSON.createObjectNode().put("clientId", clientId).put("fault", fault);
    switch (fault) {
      case "partition" -> core.faults().partition(clientId);
      case "heal" -> core.faults().heal(clientId);
      case "clear" -> core.faults().clear(clientId);
      case "throttle" -> {
        long delay = body.path("delayMillis").asLong(-1);
        if (delay < 0 || delay > MAX_THROTTLE_MILLIS) {
          throw HubError.badRequest("delayMillis must be in 0..60000 (how long each PUBACK to the device is held;"
              + " 0 ends the throttle), got " + body.path("delayMillis"));
        }
        core.faults().delayPubacks(clientId, Duration.ofMillis(delay));
        answer.put("delayMillis", delay);
      }
      default -> throw HubError.badRequest("fault must be one of partition, heal, throttle, clear (drop is POST"
          + " /emulator/devices/{id}/drop), got '" + fault + "'");
    }
    return HttpAnswer.json(200, answer.toString());
  }

  private void require(Identity id) {
    if (core.registry().get(id).isEmpty()) {
      throw HubError.notFound(id.moduleId() != null, (id.moduleId() == null ? "device '" + id.deviceId()
          : "module '" + id.moduleId() + "' of device '" + id.deviceId()) + "' is not registered");
    }
  }

  @Override
  public void close() {
    activity.dispose();
    c2d.close();
  }
}
