// The emulator's data dir format before its database: one hub-emulator-state.json snapshot. Read once, to import it.
package io.rxiothub.emulator.internal;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Iterator;
import java.util.Map;

/** Reads an old state file into a hub core. */
final class LegacyStateFile {

  private LegacyStateFile() {}

  /**
   * Loads {@code file} into {@code core}: policies, identities, twins and queued C2D messages not yet expired by the
   * core's clock.
   *
   * @throws IllegalStateException if the file cannot be read
   */
  static void load(Path file, HubCore core) {
    try {
      JsonNode root = StateRecords.JSON.readTree(file.toFile());
      RegistryStore registry = core.registry();
      for (Iterator<Map.Entry<String, JsonNode>> it = root.path("policies").fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> policy = it.next();
        registry.putPolicy(policy.getKey(), policy.getValue().asText());
      }
      for (JsonNode node : root.path("identities")) {
        registry.restore(StateRecords.identity(node, core.hostName()));
      }
      for (Iterator<Map.Entry<String, JsonNode>> it = root.path("twins").fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> twin = it.next();
        Identity identity = Identity.fromClientId(twin.getKey());
        if (identity != null) {
          core.twins().restore(identity, twin.getValue().toString());
        }
      }
      Instant now = core.clock().instant();
      long sequence = 0;
      for (JsonNode node : root.path("c2d")) {
        C2dEntry entry = StateRecords.c2d(node, ++sequence);
        if (entry.expiryTime().isAfter(now)) {
          core.c2d().restore(entry);
        }
      }
    } catch (IOException | RuntimeException e) {
      throw new IllegalStateException("cannot import the old emulator state " + file + ": " + e.getMessage(), e);
    }
  }
}
