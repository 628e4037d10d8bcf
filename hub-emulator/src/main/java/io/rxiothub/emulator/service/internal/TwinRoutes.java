// The twin routes of the service face: get, patch (tags and desired), replace, for devices and modules, with etags
// (docs/service-api.md §6).
package io.rxiothub.emulator.service.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.rxiothub.emulator.DeviceIdentity;
import io.rxiothub.emulator.http.HttpAnswer;
import io.rxiothub.emulator.http.HttpCall;
import io.rxiothub.emulator.internal.HubCore;
import io.rxiothub.emulator.internal.Identity;
import io.rxiothub.emulator.internal.TwinStore;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** Twin operations over the hub core; a change of desired properties reaches the connected device at once. */
final class TwinRoutes {

  private final HubCore core;
  private final RegistryRoutes registry;

  TwinRoutes(HubCore core, RegistryRoutes registry) {
    this.core = core;
    this.registry = registry;
  }

  HttpAnswer get(HttpCall call) {
    return ServiceJson.ok(twin(RegistryRoutes.identity(call)));
  }

  HttpAnswer patch(HttpCall call) {
    Identity id = RegistryRoutes.identity(call);
    ObjectNode body = ServiceJson.object(call.body(), "the twin patch");
    JsonNode properties = body.path("properties");
    if (properties.has("reported")) {
      throw HubError.badRequest("properties.reported cannot be changed by the service: only the device reports");
    }
    JsonNode tags = body.get("tags");
    JsonNode desired = properties.get("desired");
    synchronized (this) {
      checkIfMatch(id, call.header("If-Match"));
      apply(id, section(tags, "tags"), section(desired, "properties.desired"));
    }
    return ServiceJson.ok(twin(id));
  }

  HttpAnswer replace(HttpCall call) {
    Identity id = RegistryRoutes.identity(call);
    ObjectNode body = ServiceJson.object(call.body(), "the twin");
    ObjectNode tags = section(body.get("tags"), "tags");
    ObjectNode desired = section(body.path("properties").get("desired"), "properties.desired");
    synchronized (this) {
      checkIfMatch(id, call.header("If-Match"));
      ObjectNode current = twin(id);
      ObjectNode currentDesired = (ObjectNode) current.path("properties").path("desired").deepCopy();
      currentDesired.remove("$version");
      currentDesired.remove("$metadata");
      apply(id, diff((ObjectNode) current.get("tags"), tags == null ? empty() : tags),
          diff(currentDesired, desired == null ? empty() : desired));
    }
    return ServiceJson.ok(twin(id));
  }

  /** Applies a tags and a desired patch (either may be null or empty) in one write; desired is pushed to the device. */
  void apply(Identity id, @Nullable ObjectNode tags, @Nullable ObjectNode desired) {
    try {
      core.updateTwin(id, tags == null ? null : tags.toString(), desired == null ? null : desired.toString());
    } catch (IllegalArgumentException e) {
      throw HubError.badRequest(e.getMessage());
    }
  }

  private void checkIfMatch(Identity id, @Nullable String ifMatch) {
    if (ifMatch == null) {
      return;
    }
    String etag = twin(id).path("etag").asText();
    if (!ServiceJson.ifMatch(ifMatch, etag)) {
      throw HubError.preconditionFailed("If-Match " + ifMatch + " does not match the twin's etag " + etag);
    }
  }

  /**
   * The twin documents of devices ({@code modules} false) or modules, in registry order, built from each twin's
   * cached snapshot (no serialising, no hashing: a twin's JSON and etag are computed once per version). Shared
   * nodes: read, never modify.
   */
  List<JsonNode> documents(boolean modules) {
    List<JsonNode> out = new ArrayList<>();
    Map<String, Integer> c2d = registry.c2dCounts();
    for (DeviceIdentity identity : core.registry().list()) {
      if ((identity.moduleId() != null) == modules) {
        try {
          TwinStore.Snapshot twin = core.twinSnapshot(new Identity(identity.deviceId(), identity.moduleId()));
          out.add(document(identity, twin, modules ? 0 : c2d.getOrDefault(identity.deviceId(), 0)));
        } catch (HubError | IllegalArgumentException e) {
          // Deleted meanwhile: not part of the result.
        }
      }
    }
    return out;
  }

  /** The twin JSON the SDKs parse (TwinState). */
  ObjectNode twin(Identity id) {
    DeviceIdentity identity = registry.require(id);
    return document(identity, core.twinSnapshot(id), registry.c2dCount(id));
  }

  /**
   * The twin JSON of a registered identity from a twin snapshot, without serialising or hashing: the snapshot's
   * tags and properties nodes are shared, so the answer must be read, never modified.
   */
  ObjectNode document(DeviceIdentity identity, TwinStore.Snapshot twin, int c2dCount) {
    ObjectNode out = ServiceJson.JSON.createObjectNode();
    out.put("deviceId", identity.deviceId());
    if (identity.moduleId() != null) {
      out.put("moduleId", identity.moduleId());
    }
    out.put("etag", twin.etag());
    out.put("deviceEtag", registry.cachedEtag(identity));
    out.put("version", twin.version());
    registry.statusFields(identity, out);
    out.put("lastActivityTime", ServiceJson.NEVER).put("cloudToDeviceMessageCount", c2dCount);
    out.put("authenticationType", "sas");
    out.putObject("x509Thumbprint").putNull("primaryThumbprint").putNull("secondaryThumbprint");
    out.put("modelId", "");
    if (identity.moduleId() == null) {
      out.putObject("capabilities").put("iotEdge", false);
    }
    out.set("tags", twin.tags());
    out.set("properties", twin.properties());
    return out;
  }

  private static @Nullable ObjectNode section(@Nullable JsonNode node, String what) {
    if (node == null || node.isNull()) {
      return null;
    }
    if (!node.isObject()) {
      throw HubError.badRequest(what + " must be a JSON object");
    }
    return (ObjectNode) node;
  }

  private static ObjectNode empty() {
    return ServiceJson.JSON.createObjectNode();
  }

  /** The patch that turns {@code from} into {@code to}: removed keys are null, objects compared recursively. */
  static ObjectNode diff(ObjectNode from, ObjectNode to) {
    ObjectNode patch = empty();
    Iterator<String> names = from.fieldNames();
    while (names.hasNext()) {
      String name = names.next();
      if (!to.has(name) || to.get(name).isNull()) {
        patch.putNull(name);
      }
    }
    Iterator<Map.Entry<String, JsonNode>> fields = to.fields();
    while (fields.hasNext()) {
      Map.Entry<String, JsonNode> field = fields.next();
      JsonNode old = from.get(field.getKey());
      JsonNode now = field.getValue();
      if (now.isNull()) {
        continue;
      }
      if (old != null && old.isObject() && now.isObject()) {
        ObjectNode inner = diff((ObjectNode) old, (ObjectNode) now);
        if (inner.size() > 0) {
          patch.set(field.getKey(), inner);
        }
      } else if (old == null || !old.equals(now)) {
        patch.set(field.getKey(), now);
      }
    }
    return patch;
  }
}
