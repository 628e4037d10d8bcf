// The registry's bulk route (docs/service-api.md §5.1): POST /devices with up to 100 identities, each with an
// import mode, applied one by one, answered with the hub's BulkRegistryOperationResult.
package io.rxiothub.emulator.service.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.rxiothub.emulator.http.HttpAnswer;
import io.rxiothub.emulator.http.HttpCall;
import io.rxiothub.emulator.internal.Identity;
import java.io.IOException;
import java.util.HashSet;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/** Bulk create, update and delete over {@link RegistryRoutes}' single-identity rules. */
final class BulkRoutes {

  /** Identities per call (the hub's limit). */
  static final int MAX_IDENTITIES = 100;

  /** The import modes of ExportImportDevice, by their lower-case wire names. */
  enum Mode {
    CREATE("create"),
    CREATE_OR_UPDATE("createOrUpdate"),
    CREATE_OR_UPDATE_IF_MATCH_ETAG("createOrUpdateIfMatchETag"),
    UPDATE("update"),
    UPDATE_IF_MATCH_ETAG("updateIfMatchETag"),
    DELETE("delete"),
    DELETE_IF_MATCH_ETAG("deleteIfMatchETag");

    final String wireName;

    Mode(String wireName) {
      this.wireName = wireName;
    }

    static Mode parse(@Nullable JsonNode node, int index) {
      if (node == null || node.isNull()) {
        return CREATE_OR_UPDATE;
      }
      for (Mode mode : values()) {
        if (mode.wireName.equalsIgnoreCase(node.asText())) {
          return mode;
        }
      }
      throw HubError.badRequest("devices[" + index + "].importMode '" + node.asText() + "' is not one of create,"
          + " createOrUpdate, createOrUpdateIfMatchETag, update, updateIfMatchETag, delete, deleteIfMatchETag");
    }
  }

  private final RegistryRoutes registry;
  private final TwinRoutes twins;

  BulkRoutes(RegistryRoutes registry, TwinRoutes twins) {
    this.registry = registry;
    this.twins = twins;
  }

  HttpAnswer bulk(HttpCall call) {
    ArrayNode devices = parse(call.body());
    Set<Identity> seen = new HashSet<>();
    for (int i = 0; i < devices.size(); i++) {
      JsonNode device = devices.get(i);
      if (!device.isObject() || !device.path("id").isTextual() || device.path("id").asText().isEmpty()) {
        throw HubError.badRequest("devices[" + i + "] must be an object with a non-empty string 'id'");
      }
      Mode.parse(device.get("importMode"), i);
      if (!seen.add(identity(device))) {
        throw new HubError(400, "DeviceDefinedMultipleTimes", 400011, "'" + identity(device) + "' is defined more"
            + " than once in the request (devices[" + i + "]): each identity may appear once");
      }
    }
    ObjectNode result = ServiceJson.JSON.createObjectNode();
    ArrayNode errors = ServiceJson.JSON.createArrayNode();
    for (int i = 0; i < devices.size(); i++) {
      ObjectNode device = (ObjectNode) devices.get(i);
      Mode mode = Mode.parse(device.get("importMode"), i);
      Identity id = identity(device);
      try {
        apply(id, mode, device);
      } catch (HubError e) {
        ObjectNode error = errors.addObject().put("deviceId", id.deviceId());
        if (id.moduleId() != null) {
          error.put("moduleId", id.moduleId());
        }
        error.put("errorCode", e.code()).put("errorStatus", e.getMessage()).put("operation", mode.wireName);
      }
    }
    result.put("isSuccessful", errors.isEmpty());
    result.set("errors", errors);
    result.putArray("warnings");
    return HttpAnswer.json(errors.isEmpty() ? 200 : 400, result.toString());
  }

  private void apply(Identity id, Mode mode, ObjectNode device) {
    String etag = device.hasNonNull("eTag") ? device.get("eTag").asText() : null;
    boolean exists = registry.exists(id);
    switch (mode) {
      case DELETE -> registry.remove(id, "*");
      case DELETE_IF_MATCH_ETAG -> registry.remove(id, requireEtag(etag, mode));
      case CREATE -> registry.create(id, device);
      case UPDATE -> registry.update(id, device, "*");
      case UPDATE_IF_MATCH_ETAG -> registry.update(id, device, requireEtag(etag, mode));
      case CREATE_OR_UPDATE -> {
        if (exists) {
          registry.update(id, device, "*");
        } else {
          registry.create(id, device);
        }
      }
      case CREATE_OR_UPDATE_IF_MATCH_ETAG -> {
        if (exists) {
          registry.update(id, device, requireEtag(etag, mode));
        } else {
          registry.create(id, device);
        }
      }
    }
    if (mode != Mode.DELETE && mode != Mode.DELETE_IF_MATCH_ETAG) {
      JsonNode properties = device.path("properties");
      if (properties.path("reported").size() > 0) {
        throw HubError.badRequest("properties.reported cannot be set by the service: only the device reports");
      }
      twins.apply(id, section(device.get("tags"), "tags"),
          section(properties.get("desired"), "properties.desired"));
    }
  }

  private static String requireEtag(@Nullable String etag, Mode mode) {
    if (etag == null || etag.isEmpty()) {
      throw HubError.badRequest("importMode " + mode.wireName + " needs the identity's eTag");
    }
    return etag;
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

  private static Identity identity(JsonNode device) {
    JsonNode module = device.get("moduleId");
    return new Identity(device.path("id").asText(),
        module == null || module.isNull() || module.asText().isEmpty() ? null : module.asText());
  }

  private static ArrayNode parse(byte[] body) {
    JsonNode node;
    try {
      node = body.length == 0 ? null : ServiceJson.JSON.readTree(body);
    } catch (JsonProcessingException e) {
      throw HubError.badRequest("the device list is not valid JSON: " + e.getOriginalMessage().split("\n")[0]);
    } catch (IOException e) {
      throw HubError.badRequest("the device list is not valid JSON");
    }
    if (node == null || !node.isArray()) {
      throw HubError.badRequest("the body must be a JSON array of identities (ExportImportDevice)");
    }
    if (node.isEmpty() || node.size() > MAX_IDENTITIES) {
      throw HubError.badRequest("the device list holds " + node.size() + " identities; send 1.." + MAX_IDENTITIES
          + " per call (the hub's limit)");
    }
    return (ArrayNode) node;
  }
}
