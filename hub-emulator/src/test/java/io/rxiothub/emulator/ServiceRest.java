// A tiny HTTPS client for the emulator's service REST API in tests: java.net.http over the emulator's TLS, SAS
// tokens signed with a policy key.
package io.rxiothub.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.rxiothub.sas.SasToken;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

final class ServiceRest {

  static final ObjectMapper JSON = new ObjectMapper();

  private final HubEmulator hub;
  private final HttpClient http;
  private @Nullable String authorization;
  private final Map<String, String> headers = new LinkedHashMap<>();

  ServiceRest(HubEmulator hub) {
    this.hub = hub;
    this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).sslContext(hub.sslContext()).connectTimeout(Duration.ofSeconds(5)).build();
    as("iothubowner");
  }

  /** Signs the following calls with {@code policy}'s key. */
  ServiceRest as(String policy) {
    String key = hub.registry().policyKey(policy).orElseThrow();
    authorization = SasToken.generate(hub.hostName(), key, Instant.now().getEpochSecond() + 3600, policy).format();
    return this;
  }

  /** Sends {@code value} (or nothing) as the Authorization header of the following calls. */
  ServiceRest authorization(@Nullable String value) {
    authorization = value;
    return this;
  }

  /** Adds a header to the next call only. */
  ServiceRest header(String name, String value) {
    headers.put(name, value);
    return this;
  }

  /** A call; the path gets {@code api-version=2021-04-12} unless it has a query already. */
  Response call(String method, String path, @Nullable String body) {
    String uri = "https://localhost:" + hub.webSocketPort() + path + (path.contains("?") ? "" : "?api-version=2021-04-12");
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(uri)).timeout(Duration.ofSeconds(30))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8))
        .header("Content-Type", "application/json; charset=utf-8");
    if (authorization != null) {
      request.header("Authorization", authorization);
    }
    headers.forEach(request::header);
    headers.clear();
    try {
      HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
      return new Response(response.statusCode(), response.body(), response);
    } catch (IOException e) {
      throw new IllegalStateException(method + " " + path + " failed: " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  Response get(String path) {
    return call("GET", path, null);
  }

  Response put(String path, String body) {
    return call("PUT", path, body);
  }

  Response patch(String path, String body) {
    return call("PATCH", path, body);
  }

  Response post(String path, String body) {
    return call("POST", path, body);
  }

  Response delete(String path) {
    return call("DELETE", path, null);
  }

  record Response(int status, String body, HttpResponse<String> raw) {
    JsonNode json() {
      try {
        return JSON.readTree(body);
      } catch (IOException e) {
        throw new AssertionError("not JSON: " + body, e);
      }
    }

    /** The hub's error code name in {@code Message} ("ErrorCode:Name;…"). */
    String errorCode() {
      String message = json().path("Message").asText();
      return message.startsWith("ErrorCode:") ? message.substring(10, message.indexOf(';')) : message;
    }

    int errorNumber() {
      return json().path("errorCode").asInt();
    }

    @Nullable String header(String name) {
      return raw.headers().firstValue(name).orElse(null);
    }
  }
}
