// The client side of the emulator's service API, used by `methods invoke` and the `emulator` subcommands.
package io.rxiothub.emulator.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.jspecify.annotations.Nullable;

/** Calls a running emulator's service API; failures are {@link ServiceException}s with one clear message. */
public final class ServiceClient {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final ServiceFile file;
  private final HttpClient http;

  public ServiceClient(ServiceFile file) {
    this.file = file;
    this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
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

  public JsonNode createDevice(String deviceId) {
    return call("PUT", "/devices/" + encode(deviceId), null, 10);
  }

  public JsonNode devices() {
    return call("GET", "/devices", null, 10);
  }

  public JsonNode sendCloudToDevice(String deviceId, String payload, java.util.Map<String, String> properties) {
    var body = JSON.createObjectNode().put("payload", payload);
    var props = body.putObject("properties");
    properties.forEach(props::put);
    return call("POST", "/devices/" + encode(deviceId) + "/messages", body.toString(), 10);
  }

  public JsonNode invokeMethod(String deviceId, String method, String jsonPayload, long timeoutSeconds) {
    return call("POST", "/devices/" + encode(deviceId) + "/methods/" + encode(method) + "?timeout=" + timeoutSeconds,
        jsonPayload, timeoutSeconds + 10);
  }

  public JsonNode dropConnection(String deviceId) {
    return call("POST", "/devices/" + encode(deviceId) + "/drop", "", 10);
  }

  public JsonNode shutdown() {
    return call("POST", "/shutdown", "", 10);
  }

  public JsonNode twin(String deviceId) {
    return call("GET", "/twins/" + encode(deviceId), null, 10);
  }

  public JsonNode updateDesired(String deviceId, String jsonPatch) {
    return call("PATCH", "/twins/" + encode(deviceId) + "/desired", jsonPatch, 10);
  }

  private static String encode(String segment) {
    return URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20");
  }

  private JsonNode call(String method, String path, @Nullable String body, long timeoutSeconds) {
    HttpRequest request = HttpRequest.newBuilder(URI.create(file.url() + path))
        .timeout(Duration.ofSeconds(timeoutSeconds))
        .header("Authorization", "Bearer " + file.token())
        .header("Content-Type", "application/json")
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8))
        .build();
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
    JsonNode answer;
    try {
      answer = JSON.readTree(response.body());
    } catch (IOException e) {
      throw new ServiceException(response.statusCode(), "the emulator answered " + response.statusCode()
          + " with a body that is not JSON", e);
    }
    if (response.statusCode() != 200) {
      throw new ServiceException(response.statusCode(), answer.path("error").asText("HTTP "
          + response.statusCode()), null);
    }
    return answer;
  }
}
