// The client side of the emulator's service REST API, used by `methods invoke` and the `emulator` subcommands:
// HTTPS trusting the emulator's CA, SAS tokens signed with the service connection string's policy key.
package io.rxiothub.emulator.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.rxiothub.sas.PercentEncoding;
import io.rxiothub.sas.SasToken;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.jspecify.annotations.Nullable;

/**
 * Calls a running emulator's service REST API (docs/service-api.md); failures are {@link ServiceException}s with one
 * clear message. Device and module calls take a null module id for the device itself.
 */
public final class ServiceClient {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String API_VERSION = "?api-version=2021-04-12";

  private final ServiceFile file;
  private final HttpClient http;
  private final String policy;
  private final String key;

  /**
   * A client for the emulator described by {@code file}.
   *
   * @throws IllegalStateException when the CA file cannot be read or the connection string lacks a field
   */
  public ServiceClient(ServiceFile file) {
    if (file == null) {
      throw new IllegalArgumentException("file must not be null");
    }
    this.file = file;
    Map<String, String> fields = new HashMap<>();
    for (String part : file.connectionString().split(";")) {
      int eq = part.indexOf('=');
      if (eq > 0) {
        fields.put(part.substring(0, eq), part.substring(eq + 1));
      }
    }
    this.policy = require(fields, "SharedAccessKeyName");
    this.key = require(fields, "SharedAccessKey");
    this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).sslContext(trusting(file.caFile()))
        .connectTimeout(Duration.ofSeconds(5)).build();
  }

  private static String require(Map<String, String> fields, String name) {
    String value = fields.get(name);
    if (value == null || value.isEmpty()) {
      throw new IllegalStateException("the service file's connection string has no " + name);
    }
    return value;
  }

  private static SSLContext trusting(String caFile) {
    try (InputStream in = Files.newInputStream(Paths.get(caFile))) {
      KeyStore trust = KeyStore.getInstance("PKCS12");
      trust.load(null, null);
      trust.setCertificateEntry("emulator-ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
      TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      factory.init(trust);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, factory.getTrustManagers(), null);
      return context;
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalStateException("cannot read the emulator's CA file " + caFile + ": " + e.getMessage(), e);
    }
  }

  /** A failed call: the emulator is gone, or it answered an error. */
  public static final class ServiceException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final int status;

    ServiceException(int status, String message, @Nullable Throwable cause) {
      super(message, cause);
      this.status = status;
    }

    /** The HTTP status, or 0 when the emulator could not be reached. */
    public int status() {
      return status;
    }
  }

  /** The service file this client uses. */
  public ServiceFile file() {
    return file;
  }

  /** Creates a device or module (or finds it); answers its identity JSON with {@code connectionString} added. */
  public JsonNode createDevice(String deviceId, @Nullable String moduleId) {
    String path = identityPath("/devices/", deviceId, moduleId);
    JsonNode identity;
    try {
      identity = call("GET", path, null, 10);
    } catch (ServiceException e) {
      if (e.status() != 404) {
        throw e;
      }
      identity = call("PUT", path, "{}", 10);
    }
    ObjectNode out = ((ObjectNode) identity).deepCopy();
    out.put("connectionString", "HostName=" + file.hostName() + ";DeviceId=" + deviceId
        + (moduleId == null ? "" : ";ModuleId=" + moduleId) + ";SharedAccessKey="
        + identity.path("authentication").path("symmetricKey").path("primaryKey").asText());
    return out;
  }

  /** Every device (not modules). */
  public JsonNode devices() {
    return call("GET", "/devices", null, 10);
  }

  /** Queues a C2D message; answers {@code {"messageId","state"}}. */
  public JsonNode sendCloudToDevice(String deviceId, String payload, Map<String, String> properties) {
    ObjectNode body = JSON.createObjectNode().put("payload", payload);
    ObjectNode props = body.putObject("properties");
    properties.forEach(props::put);
    return call("POST", "/emulator/devices/" + encode(deviceId) + "/messages", body.toString(), 10);
  }

  /** Queues a C2D message asking for delivery feedback ({@code ack}: none, positive, negative or full). */
  public JsonNode sendCloudToDevice(String deviceId, String payload, Map<String, String> properties, String ack) {
    ObjectNode body = JSON.createObjectNode().put("payload", payload).put("ack", ack);
    ObjectNode props = body.putObject("properties");
    properties.forEach(props::put);
    return call("POST", "/emulator/devices/" + encode(deviceId) + "/messages", body.toString(), 10);
  }

  /** Purges a device's C2D queue; answers {@code {"totalMessagesPurged","deviceId","moduleId"}}. */
  public JsonNode purgeCloudToDevice(String deviceId) {
    return call("DELETE", "/devices/" + encode(deviceId) + "/commands", null, 10);
  }

  /**
   * Takes every C2D feedback record waiting (each batch is completed once read): a JSON array, empty when none
   * waits.
   */
  public JsonNode takeFeedback() {
    ArrayNode all = JSON.createArrayNode();
    while (true) {
      HttpResponse<String> response = exchange("GET", "/messages/serviceBound/feedback", null, 10);
      if (response.statusCode() == 204) {
        return all;
      }
      JsonNode batch = answer(response);
      batch.forEach(all::add);
      String lock = response.headers().firstValue("ETag").orElse("").replace("\"", "");
      call("DELETE", "/messages/serviceBound/feedback/" + encode(lock), null, 10);
    }
  }

  /**
   * Invokes a direct method; answers {@code {"status","payload"}}, with status 404 when the device is not online and
   * 504 when it did not answer in time (the hub's errors, as the device's own statuses would be).
   */
  public JsonNode invokeMethod(String deviceId, @Nullable String moduleId, String method, String jsonPayload,
      long timeoutSeconds) {
    ObjectNode body = JSON.createObjectNode().put("methodName", method)
        .put("responseTimeoutInSeconds", Math.max(5, timeoutSeconds)).put("connectTimeoutInSeconds", 0);
    if (!jsonPayload.isEmpty()) {
      try {
        body.set("payload", JSON.readTree(jsonPayload));
      } catch (IOException e) {
        throw new ServiceException(400, "the payload is not JSON: " + e.getMessage().split("\n")[0], e);
      }
    }
    try {
      return call("POST", identityPath("/twins/", deviceId, moduleId) + "/methods", body.toString(),
          timeoutSeconds + 10);
    } catch (ServiceException e) {
      if (e.status() == 504 || (e.status() == 404 && e.getMessage().contains("DeviceNotOnline"))) {
        return JSON.createObjectNode().put("status", e.status()).put("payload", e.getMessage());
      }
      throw e;
    }
  }

  /** Severs a device's or module's connection; answers {@code {"dropped":bool}}. */
  public JsonNode dropConnection(String deviceId, @Nullable String moduleId) {
    return call("POST", identityPath("/emulator/devices/", deviceId, moduleId) + "/drop", "", 10);
  }

  /** Asks the emulator's process to stop. */
  public JsonNode shutdown() {
    return call("POST", "/emulator/shutdown", "", 10);
  }

  /** The twin as the service sees it. */
  public JsonNode twin(String deviceId, @Nullable String moduleId) {
    return call("GET", identityPath("/twins/", deviceId, moduleId), null, 10);
  }

  /** Merges a desired patch; answers {@code {"version": the new desired $version}}. */
  public JsonNode updateDesired(String deviceId, @Nullable String moduleId, String jsonPatch) {
    JsonNode patch;
    try {
      patch = JSON.readTree(jsonPatch);
    } catch (IOException e) {
      throw new ServiceException(400, "the patch is not JSON: " + e.getMessage().split("\n")[0], e);
    }
    ObjectNode body = JSON.createObjectNode();
    body.putObject("properties").set("desired", patch);
    JsonNode twin = call("PATCH", identityPath("/twins/", deviceId, moduleId), body.toString(), 10);
    return JSON.createObjectNode().put("version",
        twin.path("properties").path("desired").path("$version").asLong());
  }

  /**
   * Opens the monitor stream ({@code GET /emulator/monitor}): one JSON object per telemetry message, from
   * {@code "latest"} or {@code "earliest"}, of one device or all (null). Closing the stream closes the connection.
   */
  public java.util.stream.Stream<JsonNode> monitor(String from, @Nullable String deviceId) {
    String query = "&from=" + PercentEncoding.encode(from)
        + (deviceId == null ? "" : "&deviceId=" + PercentEncoding.encode(deviceId));
    HttpRequest request = HttpRequest.newBuilder(URI.create(file.url() + "/emulator/monitor" + API_VERSION + query))
        .header("Authorization", token()).GET().build();
    HttpResponse<java.util.stream.Stream<String>> response;
    try {
      response = http.send(request, HttpResponse.BodyHandlers.ofLines());
    } catch (ConnectException e) {
      throw new ServiceException(0, "no emulator answers at " + file.url() + ": it has stopped (start"
          + " `rxiothub emulator` again)", e);
    } catch (IOException e) {
      throw new ServiceException(0, "the emulator's monitor at " + file.url() + " failed: " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ServiceException(0, "interrupted", e);
    }
    if (response.statusCode() != 200) {
      String body = String.join("\n", (Iterable<String>) response.body()::iterator);
      response.body().close();
      throw new ServiceException(response.statusCode(), "the monitor answered " + response.statusCode() + ": "
          + body, null);
    }
    return response.body().filter(line -> line.startsWith("data: ")).map(line -> {
      try {
        return JSON.readTree(line.substring(6));
      } catch (IOException e) {
        throw new ServiceException(200, "the monitor sent an event that is not JSON", e);
      }
    });
  }

  private static String identityPath(String prefix, String deviceId, @Nullable String moduleId) {
    return prefix + encode(deviceId) + (moduleId == null ? "" : "/modules/" + encode(moduleId));
  }

  private static String encode(String segment) {
    return PercentEncoding.encode(segment);
  }

  /**
   * Creates or replaces a DPS enrollment ({@code group}: an enrollment group, else an individual enrollment) from its
   * record JSON (protocol.md §15.6); answers the stored record, keys included.
   */
  public JsonNode putEnrollment(boolean group, String id, String recordJson) {
    return call("PUT", enrollmentPath(group, id), recordJson, 10);
  }

  /** A DPS enrollment's record, keys included; a 404 ServiceException when there is none. */
  public JsonNode enrollment(boolean group, String id) {
    return call("GET", enrollmentPath(group, id), null, 10);
  }

  /** Every DPS enrollment of the kind, as an array of records (every page of the query). */
  public JsonNode enrollments(boolean group) {
    com.fasterxml.jackson.databind.node.ArrayNode all = JSON.createArrayNode();
    String path = (group ? "/enrollmentGroups" : "/enrollments") + "/query";
    String query = "{\"query\":\"SELECT * FROM " + (group ? "enrollmentGroups" : "enrollments") + "\"}";
    String continuation = null;
    do {
      HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(file.url() + path + API_VERSION))
          .timeout(Duration.ofSeconds(10)).header("Authorization", token())
          .header("Content-Type", "application/json; charset=utf-8")
          .POST(HttpRequest.BodyPublishers.ofString(query, StandardCharsets.UTF_8));
      if (continuation != null) {
        request.header("x-ms-continuation", continuation);
      }
      HttpResponse<String> response = send(request.build());
      answer(response).forEach(all::add);
      continuation = response.headers().firstValue("x-ms-continuation").orElse(null);
    } while (continuation != null);
    return all;
  }

  /** Deletes a DPS enrollment; a 404 ServiceException when there is none. */
  public void deleteEnrollment(boolean group, String id) {
    call("DELETE", enrollmentPath(group, id), null, 10);
  }

  private static String enrollmentPath(boolean group, String id) {
    return (group ? "/enrollmentGroups/" : "/enrollments/") + encode(id);
  }

  /** The routes of edge device {@code deviceId}: {@code {"routes":{"name":"FROM …",…}}} (docs/service-api.md §11). */
  public JsonNode edgeRoutes(String deviceId) {
    return call("GET", "/emulator/edge/" + encode(deviceId) + "/routes", null, 10);
  }

  /** Adds or replaces route {@code name} of edge device {@code deviceId}; answers {@code {"name","route"}}. */
  public JsonNode setEdgeRoute(String deviceId, String name, String route) {
    return call("PUT", "/emulator/edge/" + encode(deviceId) + "/routes/" + encode(name),
        JSON.createObjectNode().put("route", route).toString(), 10);
  }

  /** Removes route {@code name} of edge device {@code deviceId}; a 404 ServiceException when there is none. */
  public void removeEdgeRoute(String deviceId, String name) {
    call("DELETE", "/emulator/edge/" + encode(deviceId) + "/routes/" + encode(name), null, 10);
  }

  /** The {@code IOTEDGE_*} variables of module {@code moduleId} of edge device {@code deviceId}, as one object. */
  public JsonNode edgeEnvironment(String deviceId, String moduleId) {
    return call("GET", "/emulator/edge/" + encode(deviceId) + "/modules/" + encode(moduleId) + "/environment", null,
        10);
  }

  /** A SAS token (a secret) for the service connection string's policy, valid for an hour: for curl and scripts. */
  public String sasToken() {
    return token();
  }

  private String token() {
    long expiry = System.currentTimeMillis() / 1000 + 3600;
    return SasToken.generate(file.hostName(), key, expiry, policy).format();
  }

  private JsonNode call(String method, String path, @Nullable String body, long timeoutSeconds) {
    return answer(exchange(method, path, body, timeoutSeconds));
  }

  private HttpResponse<String> exchange(String method, String path, @Nullable String body, long timeoutSeconds) {
    HttpRequest request = HttpRequest.newBuilder(URI.create(file.url() + path + API_VERSION))
        .timeout(Duration.ofSeconds(timeoutSeconds))
        .header("Authorization", token())
        .header("Content-Type", "application/json; charset=utf-8")
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8))
        .build();
    return send(request);
  }

  private HttpResponse<String> send(HttpRequest request) {
    HttpResponse<String> response;
    try {
      response = http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    } catch (ConnectException e) {
      throw new ServiceException(0, "no emulator answers at " + file.url() + ": it has stopped (start"
          + " `rxiothub emulator` again)", e);
    } catch (IOException e) {
      throw new ServiceException(0, "the emulator's service API at " + file.url() + " failed: " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ServiceException(0, "interrupted", e);
    }
    return response;
  }

  private static JsonNode answer(HttpResponse<String> response) {
    if (response.statusCode() == 204) {
      return JSON.createObjectNode();
    }
    JsonNode answer;
    try {
      answer = JSON.readTree(response.body().isEmpty() ? "{}" : response.body());
    } catch (IOException e) {
      throw new ServiceException(response.statusCode(), "the emulator answered " + response.statusCode()
          + " with a body that is not JSON", e);
    }
    if (response.statusCode() >= 300) {
      String message = answer.path("Message").asText("");
      String dps = answer.path("message").asText(""); // the DPS service API's error body (protocol.md §15.6)
      throw new ServiceException(response.statusCode(), message.startsWith("ErrorCode:")
          ? message.substring(10).replaceFirst(";", ": ") : !dps.isEmpty() ? dps
          : "the emulator answered " + response.statusCode(), null);
    }
    return answer;
  }
}
