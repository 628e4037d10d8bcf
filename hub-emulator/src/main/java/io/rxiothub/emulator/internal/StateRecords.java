// The JSON of one stored identity or C2D message: the records of the data dir's database and of the old
// hub-emulator-state.json (same field names, so both read with one codec).
package io.rxiothub.emulator.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.rxiothub.emulator.AuthenticationType;
import io.rxiothub.emulator.DeviceIdentity;
import java.time.Instant;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** Encodes and decodes stored records. Pure. */
final class StateRecords {

  static final ObjectMapper JSON = new ObjectMapper();

  private StateRecords() {}

  /** The record of an identity (keys included: the store is owner-only). */
  static ObjectNode identity(DeviceIdentity identity, IdentityMeta meta, long order) {
    ObjectNode node = JSON.createObjectNode();
    node.put("deviceId", identity.deviceId());
    node.put("moduleId", identity.moduleId());
    node.put("primaryKey", identity.primaryKey());
    node.put("secondaryKey", identity.secondaryKey());
    node.put("enabled", identity.enabled());
    node.put("order", order);
    node.put("generationId", meta.generationId());
    node.put("statusReason", meta.statusReason());
    node.put("statusUpdatedTime", meta.statusUpdatedTime());
    if (identity.authenticationType() != AuthenticationType.SAS) {
      node.put("authentication", identity.authenticationType().wireName());
      node.put("primaryThumbprint", identity.primaryThumbprint());
      node.put("secondaryThumbprint", identity.secondaryThumbprint());
    }
    return node;
  }

  /** The identity a record holds, for {@code hostName}. */
  static DeviceIdentity identity(JsonNode node, String hostName) {
    DeviceIdentity.Builder restored = DeviceIdentity.builder()
        .hostName(hostName)
        .deviceId(node.path("deviceId").asText())
        .moduleId(node.hasNonNull("moduleId") ? node.get("moduleId").asText() : null)
        .primaryKey(node.path("primaryKey").asText())
        .secondaryKey(node.path("secondaryKey").asText())
        .enabled(node.path("enabled").asBoolean(true))
        .authenticationType(AuthenticationType.fromWireName(node.path("authentication").asText("sas")));
    if (node.hasNonNull("primaryThumbprint")) {
      restored.thumbprints(node.get("primaryThumbprint").asText(),
          node.hasNonNull("secondaryThumbprint") ? node.get("secondaryThumbprint").asText() : null);
    }
    return restored.build();
  }

  /** The service-side fields a record holds; null for a record written before they were kept. */
  static @Nullable IdentityMeta meta(JsonNode node) {
    if (!node.hasNonNull("generationId")) {
      return null;
    }
    return new IdentityMeta(node.get("generationId").asText(),
        node.hasNonNull("statusReason") ? node.get("statusReason").asText() : null,
        node.path("statusUpdatedTime").asText(IdentityMeta.NEVER));
  }

  /** The record of a queued C2D message. */
  static ObjectNode c2d(C2dEntry entry) {
    ObjectNode node = JSON.createObjectNode();
    node.put("sequence", entry.sequence());
    node.put("messageId", entry.messageId());
    node.put("deviceId", entry.deviceId());
    node.put("payload", Base64.getEncoder().encodeToString(entry.payload()));
    ObjectNode properties = node.putObject("properties");
    entry.properties().forEach(properties::put);
    node.put("enqueuedTime", entry.enqueuedTime().toString());
    node.put("expiryTime", entry.expiryTime().toString());
    return node;
  }

  /** The C2D message a record holds, QUEUED; {@code sequence} when the record has none (old state file). */
  static C2dEntry c2d(JsonNode node, long sequence) {
    Map<String, @Nullable String> properties = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = node.path("properties").fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> p = it.next();
      properties.put(p.getKey(), p.getValue().isNull() ? null : p.getValue().asText());
    }
    return C2dEntry.restored(node.path("sequence").asLong(sequence), node.path("messageId").asText(),
        node.path("deviceId").asText(), Base64.getDecoder().decode(node.path("payload").asText()), properties,
        Instant.parse(node.path("enqueuedTime").asText()), Instant.parse(node.path("expiryTime").asText()));
  }
}
