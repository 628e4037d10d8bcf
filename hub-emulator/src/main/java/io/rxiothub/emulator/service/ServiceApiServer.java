// The loopback HTTP service API of `rxiothub emulator`: other rxiothub processes send C2D, patch desired
// properties, read twins, invoke methods and drop connections through it.
package io.rxiothub.emulator.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.rxiothub.emulator.CloudToDeviceMessage;
import io.rxiothub.emulator.DeviceIdentity;
import io.rxiothub.emulator.HubEmulator;
import io.rxiothub.emulator.MethodResult;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * Serves, on {@code 127.0.0.1} only, with {@code Authorization: Bearer <token>} on every request (the token is in
 * the service file, readable by its owner only):
 *
 * <pre>
 * GET   /devices                           list identities (no keys)
 * PUT   /devices/{id}                      create a device (or return it); answers its connection string
 * POST  /devices/{id}/messages             send C2D {"payload":"text","properties":{...}}; answers {"messageId":...}
 * POST  /devices/{id}/methods/{name}?timeout=S   invoke; the body is the JSON payload; answers {"status","payload"}
 * POST  /devices/{id}/drop                 sever the device's connection
 * GET   /twins/{id}                        the twin as the service sees it
 * PATCH /twins/{id}/desired                merge a desired patch (JSON body); answers {"version":n}
 * POST  /shutdown                          ask the emulator process to stop (see {@link #awaitShutdown})
 * </pre>
 *
 * Errors answer {@code {"error":"..."}} with 400 (bad input), 401 (token), 404 (unknown path or device), 409.
 */
public final class ServiceApiServer implements AutoCloseable {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final HubEmulator hub;
  private final HttpServer server;
  private final ExecutorService executor;
  private final String token;
  private final java.util.concurrent.CountDownLatch shutdown = new java.util.concurrent.CountDownLatch(1);

  private ServiceApiServer(HubEmulator hub, HttpServer server, ExecutorService executor, String token) {
    this.hub = hub;
    this.server = server;
    this.executor = executor;
    this.token = token;
  }

  /** Starts serving {@code hub} on 127.0.0.1:{@code port} (0: a free port) with a fresh random token. */
  public static ServiceApiServer start(HubEmulator hub, int port) throws IOException {
    byte[] random = new byte[24];
    new SecureRandom().nextBytes(random);
    String token = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
    HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 16);
    ExecutorService executor = Executors.newFixedThreadPool(4, r -> {
      Thread t = new Thread(r, "emulator-service-api");
      t.setDaemon(true);
      return t;
    });
    ServiceApiServer api = new ServiceApiServer(hub, server, executor, token);
    server.createContext("/", api::handle);
    server.setExecutor(executor);
    server.start();
    return api;
  }

  /** The base URL, {@code http://127.0.0.1:port}. */
  public String url() {
    return "http://" + server.getAddress().getAddress().getHostAddress() + ":" + server.getAddress().getPort();
  }

  /** Waits until a client asked for a shutdown or the time passed; returns whether one was asked for. */
  public boolean awaitShutdown(long timeout, TimeUnit unit) throws InterruptedException {
    return shutdown.await(timeout, unit);
  }

  /** The bearer token (a secret). */
  public String token() {
    return token;
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String auth = exchange.getRequestHeaders().getFirst("Authorization");
      byte[] expected = ("Bearer " + token).getBytes(StandardCharsets.UTF_8);
      if (auth == null || !MessageDigest.isEqual(expected, auth.getBytes(StandardCharsets.UTF_8))) {
        reply(exchange, 401, error("missing or wrong token: use the token of the emulator's service file"));
        return;
      }
      try {
        route(exchange);
      } catch (IllegalArgumentException e) {
        reply(exchange, e.getMessage() != null && e.getMessage().contains("does not exist") ? 404 : 400,
            error(e.getMessage()));
      } catch (IllegalStateException e) {
        reply(exchange, 409, error(e.getMessage()));
      } catch (RuntimeException e) {
        reply(exchange, 500, error(e.toString()));
      }
    }
  }

  private void route(HttpExchange exchange) throws IOException {
    String method = exchange.getRequestMethod();
    String[] parts = exchange.getRequestURI().getPath().replaceAll("^/+|/+$", "").split("/");
    byte[] body = exchange.getRequestBody().readAllBytes();
    if (parts.length == 1 && parts[0].equals("shutdown") && method.equals("POST")) {
      reply(exchange, 200, JSON.createObjectNode().put("stopping", true));
      shutdown.countDown();
      return;
    }
    if (parts.length == 1 && parts[0].equals("devices") && method.equals("GET")) {
      var list = JSON.createArrayNode();
      for (DeviceIdentity identity : hub.registry().list()) {
        ObjectNode node = list.addObject().put("deviceId", identity.deviceId());
        if (identity.moduleId() != null) {
          node.put("moduleId", identity.moduleId());
        }
        node.put("enabled", identity.enabled()).put("connected", identity.moduleId() == null
            ? hub.isConnected(identity.deviceId()) : hub.isConnected(identity.deviceId(), identity.moduleId()));
      }
      reply(exchange, 200, list);
      return;
    }
    if (parts.length >= 2 && parts[0].equals("devices")) {
      String device = parts[1];
      if (parts.length == 2 && method.equals("PUT")) {
        DeviceIdentity identity = hub.registry().get(device).orElseGet(() -> hub.registry().createDevice(device));
        reply(exchange, 200, JSON.createObjectNode().put("deviceId", device)
            .put("connectionString", identity.connectionString()));
        return;
      }
      requireDevice(device);
      if (parts.length == 3 && parts[2].equals("messages") && method.equals("POST")) {
        JsonNode request = parse(body);
        Map<String, String> properties = new LinkedHashMap<>();
        request.path("properties").properties().forEach(e -> properties.put(e.getKey(), e.getValue().asText()));
        byte[] payload = request.path("payload").asText("").getBytes(StandardCharsets.UTF_8);
        CloudToDeviceMessage sent = hub.sendCloudToDevice(device, payload, properties).blockingGet();
        reply(exchange, 200, JSON.createObjectNode().put("messageId", sent.messageId())
            .put("state", sent.state().name()));
        return;
      }
      if (parts.length == 4 && parts[2].equals("methods") && method.equals("POST")) {
        long seconds = timeoutSeconds(exchange.getRequestURI().getQuery());
        String payload = body.length == 0 ? null : new String(body, StandardCharsets.UTF_8);
        if (payload != null) {
          parse(body);
        }
        MethodResult result = hub.invokeMethod(device, parts[3], payload, Duration.ofSeconds(seconds)).blockingGet();
        ObjectNode answer = JSON.createObjectNode().put("status", result.status());
        answer.set("payload", result.payload().isEmpty() ? null : parseOrText(result.payload()));
        reply(exchange, 200, answer);
        return;
      }
      if (parts.length == 3 && parts[2].equals("drop") && method.equals("POST")) {
        boolean connected = hub.isConnected(device);
        hub.dropConnection(device);
        reply(exchange, 200, JSON.createObjectNode().put("dropped", connected));
        return;
      }
    }
    if (parts.length >= 2 && parts[0].equals("twins")) {
      String device = parts[1];
      requireDevice(device);
      if (parts.length == 2 && method.equals("GET")) {
        reply(exchange, 200, JSON.readTree(hub.twin(device).blockingGet()));
        return;
      }
      if (parts.length == 3 && parts[2].equals("desired") && method.equals("PATCH")) {
        parse(body);
        long version = hub.updateDesired(device, new String(body, StandardCharsets.UTF_8)).blockingGet();
        reply(exchange, 200, JSON.createObjectNode().put("version", version));
        return;
      }
    }
    reply(exchange, 404, error("no such operation: " + method + " " + exchange.getRequestURI().getPath()));
  }

  private void requireDevice(String device) {
    if (hub.registry().get(device).isEmpty()) {
      throw new IllegalArgumentException("device '" + device + "' does not exist in the emulator");
    }
  }

  private static long timeoutSeconds(String query) {
    if (query != null) {
      for (String pair : query.split("&")) {
        if (pair.startsWith("timeout=")) {
          try {
            long seconds = Long.parseLong(pair.substring(8));
            if (seconds >= 1 && seconds <= 300) {
              return seconds;
            }
          } catch (NumberFormatException e) {
            // reported below
          }
          throw new IllegalArgumentException("timeout must be 1..300 seconds");
        }
      }
    }
    return 30;
  }

  private static JsonNode parse(byte[] body) {
    try {
      return JSON.readTree(body.length == 0 ? "{}".getBytes(StandardCharsets.UTF_8) : body);
    } catch (IOException e) {
      throw new IllegalArgumentException("the body is not JSON: " + String.valueOf(e.getMessage()).split("\n")[0]);
    }
  }

  private static JsonNode parseOrText(String text) {
    try {
      return JSON.readTree(text);
    } catch (IOException e) {
      return JSON.getNodeFactory().textNode(text);
    }
  }

  private static JsonNode error(String message) {
    return JSON.createObjectNode().put("error", message);
  }

  private static void reply(HttpExchange exchange, int status, JsonNode body) throws IOException {
    byte[] bytes = JSON.writeValueAsBytes(body);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  /** Stops serving. */
  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
    try {
      executor.awaitTermination(2, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
