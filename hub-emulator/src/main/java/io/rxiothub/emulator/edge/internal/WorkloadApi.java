// The IoT Edge workload API as modules use it (docs/protocol.md §17.5): sign with the module's key, serve the trust
// bundle. Loopback HTTP, one base path per edge device: /edge/{deviceId}/modules/{m}/genid/{g}/sign, …/trust-bundle.
package io.rxiothub.emulator.edge.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.rxiothub.emulator.DeviceIdentity;
import io.rxiothub.emulator.internal.Identity;
import io.rxiothub.emulator.internal.RegistryStore;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The workload HTTP server; started by {@link #start()}, stopped by {@link #close()}. Thread-safe. */
public final class WorkloadApi implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(WorkloadApi.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int MAX_BODY = 64 * 1024;

  private final RegistryStore registry;
  private final Supplier<String> trustBundlePem;
  private final Map<Identity, String> generationIds = new ConcurrentHashMap<>();
  private @Nullable HttpServer server;
  /** Guarded by this: the injected faults left, their status (0: slow only) and delay. */
  private int faultsLeft;
  private int faultStatus;
  private long faultDelayMillis;
  private final java.util.concurrent.atomic.AtomicLong signRequests = new java.util.concurrent.atomic.AtomicLong();

  /** Signs with keys of {@code registry}; serves {@code trustBundlePem} as the trust bundle. */
  public WorkloadApi(RegistryStore registry, Supplier<String> trustBundlePem) {
    this.registry = registry;
    this.trustBundlePem = trustBundlePem;
  }

  /** Starts the server on a free loopback port (once); returns its base URI {@code http://localhost:p/}. */
  public synchronized URI start() {
    if (server == null) {
      try {
        HttpServer s = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        s.createContext("/edge/", this::handle);
        s.start();
        server = s;
        LOG.info("hub emulator: IoT Edge workload API on http://localhost:{}/", s.getAddress().getPort());
      } catch (IOException e) {
        throw new IllegalStateException("could not start the workload API on loopback: " + e.getMessage(), e);
      }
    }
    // "localhost", not 127.0.0.1: the official Java SDK refuses plain HTTP to any other host (HttpsConnection).
    return URI.create("http://localhost:" + server.getAddress().getPort() + "/");
  }

  /** The generation id of a module, made at the first call (what IOTEDGE_MODULEGENERATIONID says). */
  public String generationId(Identity module) {
    return generationIds.computeIfAbsent(module,
        k -> "6" + Long.toString(Math.abs((k.clientId().hashCode() * 2654435761L) % 1_000_000_000_000L)));
  }

  /** The next {@code requests} sign requests wait {@code delayMillis}, then fail with {@code status} (0: sign). */
  public synchronized void faults(int requests, int status, long delayMillis) {
    faultsLeft = requests;
    faultStatus = status;
    faultDelayMillis = delayMillis;
  }

  /** How many sign requests came. */
  public long signRequests() {
    return signRequests.get();
  }

  /** Takes one injected fault: {status, delay}, or null when none is left. */
  private synchronized long @Nullable [] takeFault() {
    if (faultsLeft <= 0) {
      return null;
    }
    faultsLeft--;
    return new long[] {faultStatus, faultDelayMillis};
  }

  @Override
  public synchronized void close() {
    if (server != null) {
      server.stop(0);
      server = null;
    }
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String[] path = exchange.getRequestURI().getRawPath().split("/", -1);
      String query = exchange.getRequestURI().getRawQuery();
      if (query == null || !query.matches("(.*&)?api-version=[^&]+(&.*)?")) {
        answer(exchange, 400, error("the api-version query parameter is missing"));
        return;
      }
      // "", "edge", "{device}", then "trust-bundle" or "modules", "{m}", "genid", "{g}", "sign"
      if (path.length == 4 && path[3].equals("trust-bundle") && exchange.getRequestMethod().equals("GET")) {
        ObjectNode body = JSON.createObjectNode().put("certificate", trustBundlePem.get());
        answer(exchange, 200, body);
      } else if (path.length == 8 && path[3].equals("modules") && path[5].equals("genid") && path[7].equals("sign")
          && exchange.getRequestMethod().equals("POST")) {
        sign(exchange, decode(path[2]), decode(path[4]), decode(path[6]));
      } else {
        answer(exchange, 404, error("no such workload API operation: " + exchange.getRequestMethod() + " "
            + exchange.getRequestURI().getRawPath()));
      }
    } catch (RuntimeException e) {
      LOG.warn("hub emulator: workload API request failed: {}", e.toString());
    }
  }

  private void sign(HttpExchange exchange, String deviceId, String moduleId, String genId) throws IOException {
    signRequests.incrementAndGet();
    long[] fault = takeFault();
    if (fault != null) {
      if (fault[1] > 0) {
        try {
          Thread.sleep(fault[1]);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      if (fault[0] != 0) {
        LOG.info("hub emulator: workload API fails a sign request of {}/{} with {} (injected)", deviceId, moduleId,
            fault[0]);
        answer(exchange, (int) fault[0], error("injected fault: the workload API answers " + fault[0]));
        return;
      }
    }
    Identity module = new Identity(deviceId, moduleId);
    Optional<DeviceIdentity> found = registry.get(module);
    if (found.isEmpty() || !genId.equals(generationIds.get(module))) {
      answer(exchange, 404, error("module " + moduleId + " of " + deviceId + " with generation id " + genId
          + " not found"));
      return;
    }
    JsonNode request;
    try (InputStream in = exchange.getRequestBody()) {
      byte[] bytes = in.readNBytes(MAX_BODY + 1);
      if (bytes.length > MAX_BODY) {
        answer(exchange, 413, error("sign request over " + MAX_BODY + " bytes"));
        return;
      }
      request = JSON.readTree(bytes);
      if (request == null || !request.isObject()) {
        throw new IOException("not an object");
      }
    } catch (IOException e) {
      answer(exchange, 400, error("sign request is not JSON"));
      return;
    }
    String keyId = text(request, "keyId");
    String algo = text(request, "algo");
    String data = text(request, "data");
    if (keyId == null || !(keyId.equals("primary") || keyId.equals("secondary"))) {
      answer(exchange, 400, error("keyId must be \"primary\" or \"secondary\""));
      return;
    }
    if (!"HMACSHA256".equals(algo)) {
      answer(exchange, 400, error("algo must be \"HMACSHA256\""));
      return;
    }
    byte[] toSign;
    try {
      toSign = Base64.getDecoder().decode(data == null ? "" : data);
    } catch (IllegalArgumentException e) {
      answer(exchange, 400, error("data must be base64"));
      return;
    }
    if (data == null || data.isEmpty()) {
      answer(exchange, 400, error("data is missing"));
      return;
    }
    DeviceIdentity identity = found.get();
    String key = keyId.equals("primary") ? identity.primaryKey() : identity.secondaryKey();
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(Base64.getDecoder().decode(key), "HmacSHA256"));
      String digest = Base64.getEncoder().encodeToString(mac.doFinal(toSign));
      answer(exchange, 200, JSON.createObjectNode().put("digest", digest));
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      answer(exchange, 500, error("module " + moduleId + " has no symmetric key to sign with"));
    }
  }

  private static @Nullable String text(JsonNode node, String field) {
    JsonNode value = node.get(field);
    return value != null && value.isTextual() ? value.asText() : null;
  }

  private static String decode(String segment) {
    return URLDecoder.decode(segment, StandardCharsets.UTF_8);
  }

  private static ObjectNode error(String message) {
    return JSON.createObjectNode().put("message", message);
  }

  private static void answer(HttpExchange exchange, int status, JsonNode body) throws IOException {
    byte[] bytes = JSON.writeValueAsBytes(body);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }
}
