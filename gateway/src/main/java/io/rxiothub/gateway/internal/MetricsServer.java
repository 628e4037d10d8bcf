// The local HTTP endpoint of the metrics (GET /metrics, Prometheus text 0.0.4) and health (GET /health).
package io.rxiothub.gateway.internal;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** A one-thread HTTP server on the JDK's own {@code com.sun.net.httpserver}. */
public final class MetricsServer implements AutoCloseable {

  private final HttpServer server;
  private final ExecutorService executor;

  private MetricsServer(HttpServer server, ExecutorService executor) {
    this.server = server;
    this.executor = executor;
  }

  /** Serves {@code metrics} and {@code healthy} on {@code bindAddress}:{@code port} (0: a free port). */
  public static MetricsServer start(String bindAddress, int port, Supplier<String> metrics, BooleanSupplier healthy) {
    try {
      HttpServer server = HttpServer.create(new InetSocketAddress(bindAddress, port), 16);
      server.createContext("/metrics", exchange -> answer(exchange, 200,
          "text/plain; version=0.0.4; charset=utf-8", metrics.get()));
      server.createContext("/health", exchange -> {
        boolean ok = healthy.getAsBoolean();
        answer(exchange, ok ? 200 : 503, "text/plain; charset=utf-8", ok ? "ok\n" : "upstream down\n");
      });
      ExecutorService executor = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "rxiothub-gateway-metrics");
        t.setDaemon(true);
        return t;
      });
      server.setExecutor(executor);
      server.start();
      return new MetricsServer(server, executor);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot serve the metrics on " + bindAddress + ":" + port, e);
    }
  }

  private static void answer(HttpExchange exchange, int status, String type, String body) throws IOException {
    try (exchange) {
      if (!"GET".equals(exchange.getRequestMethod())) {
        exchange.sendResponseHeaders(405, -1);
        return;
      }
      byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", type);
      exchange.sendResponseHeaders(status, bytes.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(bytes);
      }
    }
  }

  /** The bound port. */
  public int port() {
    return server.getAddress().getPort();
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
