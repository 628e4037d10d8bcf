// The registry routes of the service face: devices and modules, create/update/get/delete, lists, statistics
// (docs/service-api.md §5).
package io.rxiothub.emulator.service.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.rxiothub.emulator.DeviceIdentity;
import io.rxiothub.emulator.http.HttpAnswer;
import io.rxiothub.emulator.http.HttpCall;
import io.rxiothub.emulator.internal.HubCore;
import io.rxiothub.emulator.internal.Identity;
import io.rxiothub.emulator.internal.IdentityMeta;
import java.time.Clock;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/** Registry operations over the hub core's registry; writes are serialized. */
final class RegistryRoutes {

  private final HubCore core;
  private final Clock clock;
  private final Map<Identity, CachedEtag> etags = new ConcurrentHashMap<>();

  private record CachedEtag(DeviceIdentity identity, String etag) {}

  RegistryRoutes(HubCore core, Clock clock) {
    this.core = core;
    this.clock = clock;
  }

  static Identity identity(HttpCall call) {
    return new Identity(call.path("id"), moduleOrNull(call));
  }

  private static @Nullable String moduleOrNull(HttpCall call) {
    try {
      return call.path("mid");
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  HttpAnswer get(HttpCall call) {
    Identity id = identity(call);
    return ServiceJson.ok(json(require(id)));
  }

  HttpAnswer list(HttpCall call) {
    int top = 1000;
    String topText = call.query("top");
    if (topText != null) {
      try {
        top = Integer.parseInt(topText);
      } catch (NumberFormatException e) {
        top = -1;
      }
      if (top < 1 || top > 1000) {
        throw HubError.badRequest("top must be an integer in 1..1000, got '" + topText + "'");
      }
    }
    ArrayNode out = ServiceJson.JSON.createArrayNode();
    for (DeviceIdentity identity : core.registry().list()) {
      if (identity.moduleId() == null && out.size() < top) {
        out.add(json(identity));
      }
    }
    return ServiceJson.ok(out);
  }

  HttpAnswer modules(HttpCall call) {
    String deviceId = call.path("id");
    require(new Identity(deviceId, null));
    ArrayNode out = ServiceJson.JSON.createArrayNode();
    for (DeviceIdentity identity : core.registry().list()) {
      if (identity.moduleId() != null && identity.deviceId().equals(deviceId)) {
        out.add(json(identity));
      }
    }
    return ServiceJson.ok(out);
  }

  HttpAnswer statistics(HttpCall call) {
    long total = 0;
    long enabled = 0;
    for (DeviceIdentity identity : core.registry().list()) {
      if (identity.moduleId() == null) {
        total++;
        enabled += identity.enabled() ? 1 : 0;
      }
    }
    ObjectNode out = ServiceJson.JSON.createObjectNode().put("totalDeviceCount", total)
        .put("enabledDeviceCount", enabled).put("enableDeviceCount", enabled)
        .put("disabledDeviceCount", total - enabled);
    return ServiceJson.ok(out);
  }

  HttpAnswer put(HttpCall call) {
    Identity id = identity(call);
    ObjectNode body = ServiceJson.object(call.body(), "the identity");
    checkIds(id, body);
    String ifMatch = call.header("If-Match");
    return ServiceJson.ok(json(ifMatch == null ? create(id, body) : update(id, body, ifMatch)));
  }

  /**
   * Creates an identity from its JSON (keys and status as given).
   *
   * @throws HubError 409 if it exists, 404 if a module's device does not, 400 for a bad field
   */
  DeviceIdentity create(Identity id, ObjectNode body) {
    Boolean enabled = status(body);
    String[] keys = keys(body);
    @Nullable String reason = reason(body);
    synchronized (this) {
      if (core.registry().get(id).isPresent()) {
        throw id.moduleId() == null
            ? new HubError(409, "DeviceAlreadyExists", 409001, "device '" + id.deviceId() + "' already exists;"
                + " send If-Match (the etag, or *) to update it")
            : new HubError(409, "ModuleAlreadyExistsOnDevice", 409301, "module '" + id + "' already exists;"
                + " send If-Match (the etag, or *) to update it");
      }
      if (id.moduleId() != null && core.registry().get(new Identity(id.deviceId(), null)).isEmpty()) {
        throw HubError.notFound(false, "device '" + id.deviceId() + "' does not exist: create it before its"
            + " modules");
      }
      try {
        return core.registry().create(id.deviceId(), id.moduleId(), keys[0], keys[1], enabled == null || enabled,
            reason);
      } catch (IllegalArgumentException e) {
        throw HubError.badRequest(e.getMessage());
      }
    }
  }

  /**
   * Updates an identity whose etag matches {@code ifMatch} ({@code *} matches any): keys and status as given, the
   * rest kept.
   *
   * @throws HubError 404 if it does not exist, 412 if the etag does not match, 400 for a bad field
   */
  DeviceIdentity update(Identity id, ObjectNode body, String ifMatch) {
    Boolean enabled = status(body);
    String[] keys = keys(body);
    @Nullable String reason = reason(body);
    synchronized (this) {
      DeviceIdentity current = core.registry().get(id).orElse(null);
      if (current == null) {
        throw HubError.notFound(id.moduleId() != null, "'" + id + "' does not exist; send no If-Match to create"
            + " it");
      }
      String etag = etag(current);
      if (!ServiceJson.ifMatch(ifMatch, etag)) {
        throw HubError.preconditionFailed("If-Match " + ifMatch + " does not match the etag " + etag + " of '"
            + id + "'");
      }
      try {
        return core.registry().update(id, keys[0], keys[1], enabled, reason);
      } catch (IllegalArgumentException e) {
        throw HubError.badRequest(e.getMessage());
      }
    }
  }

  HttpAnswer delete(HttpCall call) {
    remove(identity(call), call.header("If-Match"));
    return HttpAnswer.builder().status(204).build();
  }

  /**
   * Deletes an identity (a device with its modules) if its etag matches {@code ifMatch} (null or {@code *}: any).
   *
   * @throws HubError 404 if it does not exist, 412 if the etag does not match
   */
  void remove(Identity id, @Nullable String ifMatch) {
    synchronized (this) {
      DeviceIdentity current = require(id);
      String etag = etag(current);
      if (ifMatch != null && !ServiceJson.ifMatch(ifMatch, etag)) {
        throw HubError.preconditionFailed("If-Match " + ifMatch + " does not match the etag " + etag + " of '"
            + id + "'");
      }
      core.registry().delete(id);
      etags.keySet().removeIf(k -> k.deviceId().equals(id.deviceId()));
    }
  }

  boolean exists(Identity id) {
    return core.registry().get(id).isPresent();
  }

  DeviceIdentity require(Identity id) {
    return core.registry().get(id).orElseThrow(() -> HubError.notFound(id.moduleId() != null,
        (id.moduleId() == null ? "device '" : "module '") + id + "' is not registered"));
  }

  /** The identity JSON the SDKs parse (RegistryIdentityParser). */
  ObjectNode json(DeviceIdentity identity) {
    Identity id = new Identity(identity.deviceId(), identity.moduleId());
    IdentityMeta m = core.registry().meta(id);
    ObjectNode out = ServiceJson.JSON.createObjectNode().put("deviceId", identity.deviceId());
    if (identity.moduleId() != null) {
      out.put("moduleId", identity.moduleId()).putNull("managedBy");
    }
    out.put("generationId", m.generationId()).put("etag", cachedEtag(identity));
    statusFields(identity, out);
    out.put("connectionStateUpdatedTime", ServiceJson.NEVER)
        .put("lastActivityTime", ServiceJson.NEVER)
        .put("cloudToDeviceMessageCount", c2dCount(id));
    ObjectNode auth = out.putObject("authentication");
    auth.putObject("symmetricKey").put("primaryKey", identity.primaryKey())
        .put("secondaryKey", identity.secondaryKey());
    auth.putObject("x509Thumbprint").putNull("primaryThumbprint").putNull("secondaryThumbprint");
    auth.put("type", "sas");
    if (identity.moduleId() == null) {
      out.putObject("capabilities").put("iotEdge", false);
    }
    return out;
  }

  /** {@code status}, {@code statusReason}, {@code statusUpdatedTime} and {@code connectionState}, into {@code out}. */
  void statusFields(DeviceIdentity identity, ObjectNode out) {
    Identity id = new Identity(identity.deviceId(), identity.moduleId());
    IdentityMeta m = core.registry().meta(id);
    out.put("status", identity.enabled() ? "enabled" : "disabled");
    if (m.statusReason() == null) {
      out.putNull("statusReason");
    } else {
      out.put("statusReason", m.statusReason());
    }
    out.put("statusUpdatedTime", m.statusUpdatedTime())
        .put("connectionState", core.isConnected(id) ? "Connected" : "Disconnected");
  }

  /** Pending C2D messages per device id, counted in one pass (a query reads them for every twin). */
  Map<String, Integer> c2dCounts() {
    Map<String, Integer> counts = new HashMap<>();
    for (var entry : core.c2d().pending()) {
      counts.merge(entry.deviceId(), 1, Integer::sum);
    }
    return counts;
  }

  /** The etag of the identity, hashed once per identity value. */
  String cachedEtag(DeviceIdentity identity) {
    Identity id = new Identity(identity.deviceId(), identity.moduleId());
    CachedEtag cached = etags.get(id);
    if (cached == null || !cached.identity().equals(identity)) {
      cached = new CachedEtag(identity, etag(identity));
      etags.put(id, cached);
    }
    return cached.etag();
  }

  int c2dCount(Identity id) {
    if (id.moduleId() != null) {
      return 0;
    }
    int count = 0;
    for (var entry : core.c2d().pending()) {
      if (entry.deviceId().equals(id.deviceId())) {
        count++;
      }
    }
    return count;
  }

  /** The registry etag of an identity: it changes when its keys or status do. */
  static String etag(DeviceIdentity identity) {
    return ServiceJson.etag("identity\n" + identity.clientId() + "\n" + identity.primaryKey() + "\n"
        + identity.secondaryKey() + "\n" + identity.enabled());
  }

  /** The identity's generation id (it changes when an identity of that id is deleted and created again). */
  String generationId(Identity id) {
    return core.registry().meta(id).generationId();
  }

  private static @Nullable String reason(ObjectNode body) {
    return body.hasNonNull("statusReason") ? body.get("statusReason").asText() : null;
  }

  private static void checkIds(Identity id, ObjectNode body) {
    JsonNode deviceId = body.get("deviceId");
    if (deviceId != null && !deviceId.isNull() && !deviceId.asText().equals(id.deviceId())) {
      throw HubError.badRequest("deviceId '" + deviceId.asText() + "' in the body differs from '" + id.deviceId()
          + "' in the path");
    }
    JsonNode moduleId = body.get("moduleId");
    if (moduleId != null && !moduleId.isNull() && !moduleId.asText().equals(id.moduleId())) {
      throw HubError.badRequest("moduleId '" + moduleId.asText() + "' in the body differs from the path's");
    }
  }

  private static @Nullable Boolean status(ObjectNode body) {
    JsonNode status = body.get("status");
    if (status == null || status.isNull()) {
      return null;
    }
    String text = status.asText().toLowerCase(Locale.ROOT);
    if (!text.equals("enabled") && !text.equals("disabled")) {
      throw HubError.badRequest("status must be 'enabled' or 'disabled', got '" + status.asText() + "'");
    }
    return text.equals("enabled");
  }

  /** The keys given in {@code authentication.symmetricKey} (null where absent: generated or kept). */
  private static @Nullable String[] keys(ObjectNode body) {
    JsonNode auth = body.path("authentication");
    String type = auth.path("type").asText("sas");
    if (!type.equalsIgnoreCase("sas")) {
      throw HubError.badRequest("authentication.type '" + type + "' is not supported by the emulator: it"
          + " authenticates SAS tokens only (use 'sas')");
    }
    JsonNode keys = auth.path("symmetricKey");
    return new @Nullable String[] {text(keys.get("primaryKey")), text(keys.get("secondaryKey"))};
  }

  private static @Nullable String text(@Nullable JsonNode node) {
    return node == null || node.isNull() || node.asText().isEmpty() ? null : node.asText();
  }
}
