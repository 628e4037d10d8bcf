// The emulator-only routes beside IoT Hub's service API: what the official SDKs do over AMQP (C2D send) and what only
// an emulator offers (drop a connection, stop), under /emulator (docs/service-api.md §11).
package io.rxiothub.emulator.service.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.rxiothub.emulator.http.HttpAnswer;
import io.rxiothub.emulator.http.HttpCall;
import io.rxiothub.emulator.internal.C2dEntry;
import io.rxiothub.emulator.internal.HubCore;
import io.rxiothub.emulator.internal.Identity;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** C2D send and purge, connection drop and shutdown request. */
final class EmulatorRoutes {

  private final HubCore core;
  private final RegistryRoutes registry;
  private final C2dFeedback feedback;
  private final Runnable shutdown;

  EmulatorRoutes(HubCore core, RegistryRoutes registry, C2dFeedback feedback, Runnable shutdown) {
    this.core = core;
    this.feedback = feedback;
    this.registry = registry;
    this.shutdown = shutdown;
  }

  /** {@code {"payload":"text","properties":{…},"ttlSeconds":n}} → {@code {"messageId":…,"state":…}}. */
  HttpAnswer sendCloudToDevice(HttpCall call) {
    String deviceId = call.path("id");
    registry.require(new Identity(deviceId, null));
    ObjectNode body = ServiceJson.object(call.body(), "the cloud-to-device message");
    JsonNode payload = body.get("payload");
    if (payload == null || payload.isNull()) {
      throw HubError.badRequest("payload is missing: send {\"payload\":\"text\",\"properties\":{…}}");
    }
    String text = payload.isTextual() ? payload.textValue() : payload.toString();
    Map<String, @Nullable String> properties = new LinkedHashMap<>();
    Iterator<Map.Entry<String, JsonNode>> fields = body.path("properties").fields();
    while (fields.hasNext()) {
      Map.Entry<String, JsonNode> field = fields.next();
      properties.put(field.getKey(), field.getValue().isNull() ? null : field.getValue().asText());
    }
    long ttl = body.path("ttlSeconds").asLong(3600);
    if (ttl < 1 || ttl > 172_800) {
      throw HubError.badRequest("ttlSeconds must be in 1..172800 (48 h), got " + ttl);
    }
    // "ack" as the body's field (or as the iothub-ack property) goes into the bag, as IoT Hub sends it to the device
    String ackText = body.hasNonNull("ack") ? body.get("ack").asText() : properties.get(C2dFeedback.ACK_PROPERTY);
    C2dFeedback.Ack ack = C2dFeedback.Ack.of(ackText == null ? "none" : ackText);
    properties.remove(C2dFeedback.ACK_PROPERTY);
    if (ack != C2dFeedback.Ack.NONE) {
      properties.put(C2dFeedback.ACK_PROPERTY, ack.wire());
    }
    C2dEntry entry;
    try {
      entry = core.sendCloudToDevice(deviceId, text.getBytes(StandardCharsets.UTF_8), properties,
          Duration.ofSeconds(ttl));
    } catch (IllegalStateException e) {
      throw new HubError(403, "DeviceMaximumQueueDepthExceeded", 403004, String.valueOf(e.getMessage()));
    }
    feedback.watch(entry);
    return ServiceJson.ok(ServiceJson.JSON.createObjectNode().put("messageId", entry.messageId())
        .put("state", entry.state().name()));
  }

  /** {@code DELETE /devices/{id}/commands}: purges the device's C2D queue (the hub's REST route). */
  HttpAnswer purge(HttpCall call) {
    Identity device = new Identity(call.path("id"), null);
    registry.require(device);
    int purged = core.c2d().purge(device).size();
    return ServiceJson.ok(ServiceJson.JSON.createObjectNode().put("totalMessagesPurged", purged)
        .put("deviceId", device.deviceId()).putNull("moduleId"));
  }

  /** Severs the identity's connection (no MQTT close): {@code {"dropped":whether it was connected}}. */
  HttpAnswer drop(HttpCall call) {
    Identity id = RegistryRoutes.identity(call);
    registry.require(id);
    boolean dropped = core.dropConnection(id);
    return ServiceJson.ok(ServiceJson.JSON.createObjectNode().put("dropped", dropped));
  }

  /** Asks the process running the emulator to stop (it decides; the hub itself keeps serving). */
  HttpAnswer shutdown(HttpCall call) {
    shutdown.run();
    return ServiceJson.ok(ServiceJson.JSON.createObjectNode().put("stopping", true));
  }
}
