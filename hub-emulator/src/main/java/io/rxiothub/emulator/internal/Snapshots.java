// Persists the emulator's state (registry, policies, twins, queued C2D) as one JSON file in the data dir.
package io.rxiothub.emulator.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.rxiothub.emulator.CloudToDeviceMessage.State;
import io.rxiothub.emulator.DeviceIdentity;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Loads and saves {@code hub-emulator-state.json}; the file holds keys, so it stays in the user's data dir. */
public final class Snapshots {

  private static final Logger LOG = LoggerFactory.getLogger(Snapshots.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path file;
  private final HubCore core;

  /** Creates the store for {@code dataDir}. */
  public Snapshots(Path dataDir, HubCore core) {
    this.file = dataDir.resolve("hub-emulator-state.json");
    this.core = core;
  }

  /** Loads the saved state, if any. */
  public void load() {
    if (!Files.exists(file)) {
      return;
    }
    try {
      JsonNode root = JSON.readTree(file.toFile());
      RegistryStore registry = core.registry();
      for (Iterator<Map.Entry<String, JsonNode>> it = root.path("policies").fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> policy = it.next();
        registry.putPolicy(policy.getKey(), policy.getValue().asText());
      }
      for (JsonNode node : root.path("identities")) {
        registry.restore(DeviceIdentity.builder()
            .hostName(core.hostName())
            .deviceId(node.path("deviceId").asText())
            .moduleId(node.hasNonNull("moduleId") ? node.get("moduleId").asText() : null)
            .primaryKey(node.path("primaryKey").asText())
            .secondaryKey(node.path("secondaryKey").asText())
            .enabled(node.path("enabled").asBoolean(true))
            .build());
      }
      for (Iterator<Map.Entry<String, JsonNode>> it = root.path("twins").fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> twin = it.next();
        Identity identity = Identity.fromClientId(twin.getKey());
        if (identity != null) {
          core.twins().restore(identity, twin.getValue().toString());
        }
      }
      Instant now = core.clock().instant();
      for (JsonNode node : root.path("c2d")) {
        Instant expiry = Instant.parse(node.path("expiryTime").asText());
        if (!expiry.isAfter(now)) {
          continue;
        }
        Map<String, @Nullable String> properties = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = node.path("properties").fields(); it.hasNext(); ) {
          Map.Entry<String, JsonNode> p = it.next();
          properties.put(p.getKey(), p.getValue().isNull() ? null : p.getValue().asText());
        }
        core.c2d().restore(C2dEntry.restored(node.path("messageId").asText(), node.path("deviceId").asText(),
            Base64.getDecoder().decode(node.path("payload").asText()), properties,
            Instant.parse(node.path("enqueuedTime").asText()), expiry));
      }
      LOG.info("hub emulator: loaded its state from {}", file);
    } catch (IOException | RuntimeException e) {
      throw new IllegalStateException("cannot load the emulator state from " + file + ": " + e.getMessage(), e);
    }
  }

  /** Saves the current state (atomically replacing the file). */
  public synchronized void save() {
    ObjectNode root = JSON.createObjectNode();
    ObjectNode policies = root.putObject("policies");
    core.registry().policies().forEach(policies::put);
    ArrayNode identities = root.putArray("identities");
    for (DeviceIdentity identity : core.registry().list()) {
      ObjectNode node = identities.addObject();
      node.put("deviceId", identity.deviceId());
      node.put("moduleId", identity.moduleId());
      node.put("primaryKey", identity.primaryKey());
      node.put("secondaryKey", identity.secondaryKey());
      node.put("enabled", identity.enabled());
    }
    ObjectNode twins = root.putObject("twins");
    try {
      for (Map.Entry<String, String> twin : core.twins().snapshot().entrySet()) {
        twins.set(twin.getKey(), JSON.readTree(twin.getValue()));
      }
      ArrayNode c2d = root.putArray("c2d");
      for (C2dEntry entry : core.c2d().pending()) {
        if (entry.state() == State.COMPLETED || entry.state() == State.EXPIRED) {
          continue;
        }
        ObjectNode node = c2d.addObject();
        node.put("messageId", entry.messageId());
        node.put("deviceId", entry.deviceId());
        node.put("payload", Base64.getEncoder().encodeToString(entry.payload()));
        ObjectNode properties = node.putObject("properties");
        entry.properties().forEach(properties::put);
        node.put("enqueuedTime", entry.enqueuedTime().toString());
        node.put("expiryTime", entry.expiryTime().toString());
      }
      Path temp = file.resolveSibling(file.getFileName() + ".tmp");
      JSON.writerWithDefaultPrettyPrinter().writeValue(temp.toFile(), root);
      TlsMaterial.restrictToOwner(temp);
      Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      LOG.warn("hub emulator: could not save its state to {}: {}", file, e.toString());
    }
  }
}
