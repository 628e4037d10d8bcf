// The emulator's one store on disk: the data dir (or a temporary folder when there is none) with the TLS material,
// the CA certificate file users trust, and hub-emulator-state.json (registry, policies, twins, queued C2D).
package io.rxiothub.emulator.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.rxiothub.emulator.CloudToDeviceMessage.State;
import io.rxiothub.emulator.AuthenticationType;
import io.rxiothub.emulator.DeviceIdentity;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Files of one emulator. Without a data dir only the CA file is written, to a temporary folder deleted on
 * {@link #close}. The state and TLS files hold keys: they are made readable by their owner only.
 */
public final class DataDir implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(DataDir.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final @Nullable Path dir;
  private final @Nullable Path tempDir;
  private final Path caFile;

  private DataDir(@Nullable Path dir, @Nullable Path tempDir) {
    this.dir = dir;
    this.tempDir = tempDir;
    this.caFile = (dir != null ? dir : tempDir).resolve("hub-emulator-ca.pem");
  }

  /**
   * Opens {@code dir} (created if missing), or a temporary folder when it is null.
   *
   * @throws UncheckedIOException if the folder cannot be created
   */
  public static DataDir open(@Nullable Path dir) {
    try {
      if (dir != null) {
        Files.createDirectories(dir);
        return new DataDir(dir, null);
      }
      return new DataDir(null, Files.createTempDirectory("rxiothub-hub-ca-"));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create the emulator's data folder", e);
    }
  }

  /** The CA certificate file (written by {@link #tls}). */
  public Path caFile() {
    return caFile;
  }

  /**
   * The TLS material: read from {@code materialFile} when given; else kept in the data dir and reissued at
   * {@code now} when its server certificate no longer covers {@code certificateNames} or expires within a day;
   * else generated at {@code now}. Writes the CA certificate file.
   *
   * @throws UncheckedIOException if the CA file cannot be written
   */
  public TlsMaterial tls(@Nullable Path materialFile, Set<String> certificateNames, Instant now) {
    TlsMaterial tls = loadOrCreateTls(materialFile, certificateNames, now);
    try {
      Files.writeString(caFile, tls.caCertificatePem(), StandardCharsets.US_ASCII);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the CA certificate to " + caFile, e);
    }
    return tls;
  }

  private TlsMaterial loadOrCreateTls(@Nullable Path materialFile, Set<String> certificateNames, Instant now) {
    Set<String> dns = new LinkedHashSet<>();
    Set<String> ips = new LinkedHashSet<>();
    for (String name : certificateNames) {
      if (name.matches("[0-9.]+") || name.contains(":")) {
        ips.add(name);
      } else {
        dns.add(name);
      }
    }
    ips.add("127.0.0.1");
    if (materialFile != null) {
      return TlsMaterial.read(materialFile);
    }
    if (dir == null) {
      return TlsMaterial.generate(dns, ips, now);
    }
    Path file = dir.resolve("hub-emulator-tls.pem");
    if (!Files.exists(file)) {
      TlsMaterial fresh = TlsMaterial.generate(dns, ips, now);
      fresh.write(file);
      return fresh;
    }
    TlsMaterial stored = TlsMaterial.read(file);
    if (stored.covers(dns, ips, now)) {
      return stored;
    }
    TlsMaterial reissued = stored.reissue(dns, ips, now);
    reissued.write(file);
    return reissued;
  }

  /**
   * Loads the saved state into {@code core}, if there is a data dir and a state file; queued C2D messages that
   * expired by the core's clock are dropped.
   *
   * @throws IllegalStateException if the file cannot be read
   */
  public void load(HubCore core) {
    Path file = stateFile();
    if (file == null || !Files.exists(file)) {
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
        DeviceIdentity.Builder restored = DeviceIdentity.builder()
            .hostName(core.hostName())
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
        registry.restore(restored.build());
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

  /** Saves the state of {@code core} if there is a data dir (atomically replacing the file); logs a failure. */
  public synchronized void save(HubCore core) {
    Path file = stateFile();
    if (file == null) {
      return;
    }
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
      if (identity.authenticationType() != AuthenticationType.SAS) {
        node.put("authentication", identity.authenticationType().wireName());
        node.put("primaryThumbprint", identity.primaryThumbprint());
        node.put("secondaryThumbprint", identity.secondaryThumbprint());
      }
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

  private @Nullable Path stateFile() {
    return dir == null ? null : dir.resolve("hub-emulator-state.json");
  }

  /** Deletes the temporary folder and its CA file, if this store made one. */
  @Override
  public void close() {
    if (tempDir == null) {
      return;
    }
    try {
      Files.deleteIfExists(caFile);
      Files.deleteIfExists(tempDir);
    } catch (IOException e) {
      LOG.debug("hub emulator: could not delete {}: {}", tempDir, e.toString());
    }
  }
}
