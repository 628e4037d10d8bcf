// Device and module twins: desired, reported and tags with their $versions, and the merge rules of protocol.md §6.
package io.rxiothub.emulator.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Thread-safe twin documents, one per identity, created on first use. A change is built on a copy, written to the
 * {@link StateLog}, and only then made current: a change the log refuses fails and leaves the twin as it was.
 */
public final class TwinStore {

  /** Max size of desired or reported, bytes of compact JSON (QT: 32 KB). */
  public static final int MAX_SECTION_BYTES = 32 * 1024;
  private static final int MAX_DEPTH = 10;
  private static final int MAX_KEY_BYTES = 1024;
  private static final int MAX_STRING_BYTES = 4 * 1024;
  private static final long MAX_SAFE_INTEGER = 4503599627370495L;
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Map<Identity, Twin> twins = new HashMap<>();
  private StateLog log = StateLog.NONE;

  /** Sends every change of a twin to {@code log} from now on. */
  public synchronized void log(StateLog log) {
    this.log = log;
  }

  /** Writes {@code next} to the log, then makes it the identity's twin. */
  private void commit(Identity identity, Twin next) {
    log.twin(identity, serviceView(identity, next).toString());
    twins.put(identity, next);
  }

  /** One identity's twin. */
  private static final class Twin {
    ObjectNode desired = JSON.createObjectNode();
    ObjectNode reported = JSON.createObjectNode();
    ObjectNode tags = JSON.createObjectNode();
    long desiredVersion = 1;
    long reportedVersion = 1;
    long version = 1;
    /** The service view of the current version, built on first read after a change. */
    @Nullable Snapshot snapshot;

    /** A copy sharing the sections (callers replace a section, never change it in place). */
    Twin next() {
      Twin next = new Twin();
      next.desired = desired;
      next.reported = reported;
      next.tags = tags;
      next.desiredVersion = desiredVersion;
      next.reportedVersion = reportedVersion;
      next.version = version + 1;
      return next;
    }
  }

  private Twin twin(Identity identity) {
    return twins.computeIfAbsent(identity, k -> new Twin());
  }

  /** The GET response body: {@code {"desired":{…,"$version":d},"reported":{…,"$version":r}}}. */
  public synchronized byte[] deviceView(Identity identity) {
    Twin twin = twin(identity);
    ObjectNode body = JSON.createObjectNode();
    body.set("desired", withVersion(twin.desired, twin.desiredVersion));
    body.set("reported", withVersion(twin.reported, twin.reportedVersion));
    return bytes(body);
  }

  /** The service view: {@code {"deviceId":…,["moduleId":…,]"version":…,"tags":{…},"properties":{…}}}. */
  public synchronized String serviceView(Identity identity) {
    return serviceView(identity, twin(identity)).toString();
  }

  private static ObjectNode serviceView(Identity identity, Twin twin) {
    ObjectNode body = JSON.createObjectNode();
    body.put("deviceId", identity.deviceId());
    if (identity.moduleId() != null) {
      body.put("moduleId", identity.moduleId());
    }
    body.put("version", twin.version);
    body.set("tags", twin.tags.deepCopy());
    ObjectNode properties = body.putObject("properties");
    properties.set("desired", withVersion(twin.desired, twin.desiredVersion));
    properties.set("reported", withVersion(twin.reported, twin.reportedVersion));
    return body;
  }

  /**
   * The twin's current version as shared, read-only nodes: built once per version (a query over 10,000 twins reads
   * them without serialising or hashing anything). Callers must not modify the nodes.
   */
  public synchronized Snapshot snapshot(Identity identity) {
    Twin twin = twin(identity);
    Snapshot snapshot = twin.snapshot;
    if (snapshot == null) {
      ObjectNode properties = JSON.createObjectNode();
      properties.set("desired", withVersion(twin.desired, twin.desiredVersion));
      properties.set("reported", withVersion(twin.reported, twin.reportedVersion));
      ObjectNode tags = twin.tags.deepCopy();
      snapshot = new Snapshot(twin.version, tags, properties, etag(twin.version, tags, properties));
      twin.snapshot = snapshot;
    }
    return snapshot;
  }

  /**
   * One version of a twin: {@code tags}, {@code properties} (desired and reported with their {@code $version}) and
   * an etag that changes with the content (the first 12 base64 characters of its SHA-256), shared read-only.
   */
  public record Snapshot(long version, ObjectNode tags, ObjectNode properties, String etag) {}

  private static String etag(long version, ObjectNode tags, ObjectNode properties) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      sha.update(Long.toString(version).getBytes(StandardCharsets.UTF_8));
      sha.update((byte) '\n');
      sha.update(bytes(tags));
      sha.update((byte) '\n');
      byte[] digest = sha.digest(bytes(properties));
      return "\"" + Base64.getEncoder().withoutPadding().encodeToString(digest).substring(0, 12) + "\"";
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Applies a reported-properties patch sent by the device and returns the new reported {@code $version}.
   *
   * @throws IllegalArgumentException when the body is not a JSON object or breaks a twin limit (hub answers 400)
   */
  public synchronized long patchReported(Identity identity, byte[] body) {
    ObjectNode patch = parsePatch(body, "reported patch");
    Twin twin = twin(identity);
    ObjectNode merged = twin.reported.deepCopy();
    merge(merged, patch);
    checkSize(merged, "reported");
    Twin next = twin.next();
    next.reported = merged;
    next.reportedVersion++;
    commit(identity, next);
    return next.reportedVersion;
  }

  /**
   * Applies a service-side desired patch; returns the notification body (the patch plus {@code $version}) and
   * the new version.
   *
   * @throws IllegalArgumentException when the patch is not a JSON object or breaks a twin limit
   */
  public synchronized DesiredUpdate patchDesired(Identity identity, String jsonPatch) {
    ObjectNode patch = parsePatch(jsonPatch.getBytes(StandardCharsets.UTF_8), "desired patch");
    Twin twin = twin(identity);
    ObjectNode merged = twin.desired.deepCopy();
    merge(merged, patch);
    checkSize(merged, "desired");
    Twin next = twin.next();
    next.desired = merged;
    next.desiredVersion++;
    commit(identity, next);
    ObjectNode notification = patch.deepCopy();
    notification.put("$version", next.desiredVersion);
    return new DesiredUpdate(next.desiredVersion, bytes(notification));
  }

  /**
   * Merges a tags patch and returns the new twin version.
   *
   * @throws IllegalArgumentException when the patch is not a JSON object or breaks a twin limit
   */
  public synchronized long patchTags(Identity identity, String jsonPatch) {
    ObjectNode patch = parsePatch(jsonPatch.getBytes(StandardCharsets.UTF_8), "tags patch");
    Twin twin = twin(identity);
    ObjectNode merged = twin.tags.deepCopy();
    merge(merged, patch);
    Twin next = twin.next();
    next.tags = merged;
    commit(identity, next);
    return next.version;
  }

  /**
   * Merges a service patch of tags and desired (either may be null or empty) in one durable write; returns the
   * desired update to push, or null when desired did not change.
   *
   * @throws IllegalArgumentException when a patch is not a JSON object or breaks a twin limit (nothing changes)
   */
  public synchronized @Nullable DesiredUpdate patchService(Identity identity, @Nullable String tagsPatch,
      @Nullable String desiredPatch) {
    ObjectNode tags = tagsPatch == null ? null : parsePatch(tagsPatch.getBytes(StandardCharsets.UTF_8), "tags patch");
    ObjectNode desired = desiredPatch == null ? null
        : parsePatch(desiredPatch.getBytes(StandardCharsets.UTF_8), "desired patch");
    boolean changesTags = tags != null && !tags.isEmpty();
    boolean changesDesired = desired != null && !desired.isEmpty();
    if (!changesTags && !changesDesired) {
      return null;
    }
    Twin twin = twin(identity);
    Twin next = twin.next();
    if (changesTags) {
      ObjectNode merged = twin.tags.deepCopy();
      merge(merged, tags);
      next.tags = merged;
    }
    if (changesDesired) {
      ObjectNode merged = twin.desired.deepCopy();
      merge(merged, desired);
      checkSize(merged, "desired");
      next.desired = merged;
      next.desiredVersion++;
    }
    commit(identity, next);
    if (!changesDesired) {
      return null;
    }
    ObjectNode notification = desired.deepCopy();
    notification.put("$version", next.desiredVersion);
    return new DesiredUpdate(next.desiredVersion, bytes(notification));
  }

  /** Forgets an identity's twin. */
  public synchronized void remove(Identity identity) {
    if (twins.containsKey(identity)) {
      log.twinRemoved(identity);
      twins.remove(identity);
    }
  }

  /** A snapshot of every twin for persistence: identity client id → service view. */
  public synchronized Map<String, String> snapshot() {
    Map<String, String> out = new HashMap<>();
    for (Identity identity : twins.keySet()) {
      out.put(identity.clientId(), serviceView(identity));
    }
    return out;
  }

  /** Restores a twin from its service view. */
  public synchronized void restore(Identity identity, String serviceView) {
    try {
      JsonNode node = JSON.readTree(serviceView);
      Twin twin = new Twin();
      twin.version = node.path("version").asLong(1);
      if (node.path("tags").isObject()) {
        twin.tags = (ObjectNode) node.get("tags");
      }
      JsonNode desired = node.path("properties").path("desired");
      JsonNode reported = node.path("properties").path("reported");
      if (desired.isObject()) {
        twin.desiredVersion = desired.path("$version").asLong(1);
        twin.desired = ((ObjectNode) desired).deepCopy();
        twin.desired.remove("$version");
      }
      if (reported.isObject()) {
        twin.reportedVersion = reported.path("$version").asLong(1);
        twin.reported = ((ObjectNode) reported).deepCopy();
        twin.reported.remove("$version");
      }
      twins.put(identity, twin);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("stored twin of '" + identity + "' is not valid JSON", e);
    }
  }

  /** The result of a desired update. */
  public record DesiredUpdate(long version, byte[] notification) {}

  private static ObjectNode withVersion(ObjectNode section, long version) {
    ObjectNode copy = section.deepCopy();
    copy.put("$version", version);
    return copy;
  }

  private static ObjectNode parsePatch(byte[] body, String what) {
    JsonNode node;
    try {
      node = JSON.readTree(body);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(what + " is not valid JSON: " + e.getOriginalMessage());
    } catch (java.io.IOException e) {
      throw new IllegalArgumentException(what + " is not valid JSON");
    }
    if (node == null || !node.isObject()) {
      throw new IllegalArgumentException(what + " must be a JSON object");
    }
    checkNode(node, what, 1);
    return (ObjectNode) node;
  }

  private static void checkNode(JsonNode node, String path, int depth) {
    if (depth > MAX_DEPTH) {
      throw new IllegalArgumentException(path + " is nested deeper than " + MAX_DEPTH + " levels");
    }
    if (node.isObject()) {
      Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
      while (fields.hasNext()) {
        Map.Entry<String, JsonNode> field = fields.next();
        checkKey(field.getKey(), path);
        checkNode(field.getValue(), path + "." + field.getKey(), depth + 1);
      }
    } else if (node.isArray()) {
      for (JsonNode element : node) {
        checkNode(element, path + "[]", depth + 1);
      }
    } else if (node.isTextual()) {
      if (node.textValue().getBytes(StandardCharsets.UTF_8).length > MAX_STRING_BYTES) {
        throw new IllegalArgumentException(path + " is a string longer than " + MAX_STRING_BYTES + " bytes");
      }
    } else if (node.isIntegralNumber()) {
      if (!node.canConvertToLong() || Math.abs(node.longValue()) > MAX_SAFE_INTEGER + 1
          || node.longValue() > MAX_SAFE_INTEGER) {
        throw new IllegalArgumentException(path + " is an integer outside [-4503599627370496, 4503599627370495]");
      }
    }
  }

  private static void checkKey(String key, String path) {
    if (key.isEmpty() || key.getBytes(StandardCharsets.UTF_8).length > MAX_KEY_BYTES) {
      throw new IllegalArgumentException(path + " has a key that is empty or longer than 1 KB");
    }
    for (int i = 0; i < key.length(); i++) {
      char c = key.charAt(i);
      if (c == '.' || c == '$' || c == ' ' || c < 0x20 || (c >= 0x7f && c <= 0x9f)) {
        throw new IllegalArgumentException(
            path + " has key '" + key + "' with a forbidden character ('.', '$', space or a control character)");
      }
    }
  }

  private static void checkSize(ObjectNode section, String what) {
    int size = bytes(section).length;
    if (size > MAX_SECTION_BYTES) {
      throw new IllegalArgumentException(what + " would grow to " + size + " bytes, over the 32 KB limit");
    }
  }

  /** Merges {@code patch} into {@code target}: null deletes, objects merge recursively, anything else replaces. */
  static void merge(ObjectNode target, ObjectNode patch) {
    Iterator<Map.Entry<String, JsonNode>> fields = patch.fields();
    while (fields.hasNext()) {
      Map.Entry<String, JsonNode> field = fields.next();
      JsonNode value = field.getValue();
      JsonNode existing = target.get(field.getKey());
      if (value.isNull()) {
        target.remove(field.getKey());
      } else if (value.isObject() && existing != null && existing.isObject()) {
        merge((ObjectNode) existing, (ObjectNode) value);
      } else if (value.isObject()) {
        ObjectNode fresh = target.putObject(field.getKey());
        merge(fresh, (ObjectNode) value);
      } else {
        target.set(field.getKey(), value.deepCopy());
      }
    }
  }

  private static byte[] bytes(JsonNode node) {
    try {
      return JSON.writeValueAsBytes(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
