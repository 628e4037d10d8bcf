// The emulator's service REST API under load: 10,000 device creations through REST with 16 concurrent requests,
// 10,000 twin patches (time at 2,500 / 5,000 / 10,000: linear or not), a filtered twin query over them, and a direct
// method through REST against the MQTT round trip alone.
package io.rxiothub.benchmarks.e2e;

import io.reactivex.rxjava3.core.Single;
import io.rxiothub.device.DeviceClient;
import io.rxiothub.emulator.HubEmulator;
import io.rxiothub.methods.MethodResponse;
import io.rxiothub.sas.SasToken;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One JVM holds the emulator and the HTTP client (the REST face's cost is what is measured; both share the
 * machine's cores). Targets (issue 17): 10,000 creations in 30 s or less, a filtered query over 10,000 twins p50
 * 100 ms or less, a method through REST at most 1 ms over the MQTT round trip at p50.
 */
public final class ServiceBench {

  private final HubEmulator hub;
  private final HttpClient http;
  private final String base;
  private final String token;

  private ServiceBench(HubEmulator hub) {
    this.hub = hub;
    this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).sslContext(hub.sslContext())
        .connectTimeout(Duration.ofSeconds(10)).build();
    this.base = "https://localhost:" + hub.webSocketPort();
    this.token = SasToken.generate(hub.hostName(), hub.registry().policyKey("iothubowner").orElseThrow(),
        System.currentTimeMillis() / 1000 + 7200, "iothubowner").format();
  }

  /** Runs the three measurements; {@code devices} creations, {@code queries} and {@code calls} timed runs. */
  public static Map<String, Object> run(int devices, int queries, int calls) throws Exception {
    String dataDir = System.getProperty("bench.serviceDataDir");
    try (HubEmulator hub = HubEmulator.builder().mqttPort(0).webSocketPort(0)
        .dataDir(dataDir == null ? null : java.nio.file.Paths.get(dataDir)).build().start()) {
      ServiceBench bench = new ServiceBench(hub);
      Map<String, Object> out = new LinkedHashMap<>();
      out.put("create", bench.create(devices, 16));
      out.put("patch", bench.patch(devices, 16));
      out.put("query", bench.query(queries));
      out.put("method", bench.method(calls));
      return out;
    }
  }

  private HttpResponse<String> send(String method, String path, String body) throws Exception {
    HttpRequest request = HttpRequest.newBuilder(URI.create(base + path + "?api-version=2021-04-12"))
        .timeout(Duration.ofSeconds(60)).header("Authorization", token)
        .header("Content-Type", "application/json")
        .method(method, HttpRequest.BodyPublishers.ofString(body)).build();
    HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() >= 300) {
      throw new IllegalStateException(method + " " + path + " answered " + response.statusCode() + ": "
          + response.body());
    }
    return response;
  }

  /** One request of a timed phase: the {@code i}-th of {@code n}. */
  private interface Step {
    void run(int i) throws Exception;
  }

  /**
   * Runs {@code n} steps with {@code concurrency} threads; the result has the total time and the elapsed seconds when
   * the 1/4, 1/2 and all of the steps had completed (2,500 / 5,000 / 10,000 of 10,000: a cost linear in the work shows
   * as 0.25 / 0.5 / 1 of the total).
   */
  private static Map<String, Object> timed(int n, int concurrency, Step step) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(concurrency);
    AtomicInteger next = new AtomicInteger();
    AtomicInteger done = new AtomicInteger();
    int[] marks = {n / 4, n / 2, n};
    double[] at = new double[marks.length];
    long start = System.nanoTime();
    List<Future<?>> workers = new ArrayList<>();
    for (int w = 0; w < concurrency; w++) {
      workers.add(pool.submit(() -> {
        for (int i = next.getAndIncrement(); i < n; i = next.getAndIncrement()) {
          step.run(i);
          int finished = done.incrementAndGet();
          for (int k = 0; k < marks.length; k++) {
            if (finished == marks[k]) {
              at[k] = (System.nanoTime() - start) / 1e9;
            }
          }
        }
        return null;
      }));
    }
    for (Future<?> f : workers) {
      f.get();
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    pool.shutdown();
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("count", n);
    m.put("concurrency", concurrency);
    m.put("seconds", seconds);
    m.put("perSecond", n / seconds);
    Map<String, Object> checkpoints = new LinkedHashMap<>();
    for (int k = 0; k < marks.length; k++) {
      checkpoints.put(Integer.toString(marks[k]), at[k]);
    }
    m.put("secondsAt", checkpoints);
    return m;
  }

  private Map<String, Object> create(int devices, int concurrency) throws Exception {
    return timed(devices, concurrency, i -> {
      send("PUT", "/devices/bench-" + i, "{}");
      if (i % 10 == 0) {
        send("PATCH", "/twins/bench-" + i, "{\"tags\":{\"floor\":" + (i % 7) + "}}");
      }
    });
  }

  /** One patch of tags and desired per twin, over every device created. */
  private Map<String, Object> patch(int devices, int concurrency) throws Exception {
    return timed(devices, concurrency, i -> send("PATCH", "/twins/bench-" + i,
        "{\"tags\":{\"round\":1},\"properties\":{\"desired\":{\"setpoint\":" + i + "}}}"));
  }

  private Map<String, Object> query(int queries) throws Exception {
    String body = "{\"query\":\"SELECT deviceId FROM devices WHERE tags.floor = 3\"}";
    for (int i = 0; i < 5; i++) {
      send("POST", "/devices/query", body);
    }
    long[] nanos = new long[queries];
    int rows = 0;
    for (int i = 0; i < queries; i++) {
      long t0 = System.nanoTime();
      rows = send("POST", "/devices/query", body).body().split("deviceId").length - 1;
      nanos[i] = System.nanoTime() - t0;
    }
    Map<String, Object> m = Bench.latency(nanos, queries);
    m.put("rowsPerPage", rows);
    return m;
  }

  private Map<String, Object> method(int calls) throws Exception {
    var identity = hub.registry().createDevice("bench-method");
    DeviceClient device = DeviceClient.builder().connectionString(identity.connectionString())
        .port(hub.mqttPort()).trustStore(hub.trustStore()).build();
    device.methods().handle("echo", request -> Single.just(MethodResponse.ofJson(200, "{\"ok\":true}")));
    device.connect().blockingAwait();
    try {
      Thread.sleep(500);
      String body = "{\"methodName\":\"echo\",\"responseTimeoutInSeconds\":10,\"payload\":{}}";
      int warmup = Math.max(200, calls / 2);
      for (int i = 0; i < warmup; i++) {
        hub.invokeMethod("bench-method", "echo", "{}", Duration.ofSeconds(10)).blockingGet();
        send("POST", "/twins/bench-method/methods", body);
      }
      long[] mqtt = new long[calls];
      long[] rest = new long[calls];
      for (int i = 0; i < calls; i++) {
        long t0 = System.nanoTime();
        hub.invokeMethod("bench-method", "echo", "{}", Duration.ofSeconds(10)).blockingGet();
        long t1 = System.nanoTime();
        send("POST", "/twins/bench-method/methods", body);
        long t2 = System.nanoTime();
        mqtt[i] = t1 - t0;
        rest[i] = t2 - t1;
      }
      Map<String, Object> m = new LinkedHashMap<>();
      Map<String, Object> direct = Bench.latency(mqtt, calls);
      Map<String, Object> viaRest = Bench.latency(rest, calls);
      m.put("mqttOnly", direct);
      m.put("rest", viaRest);
      m.put("restOverheadP50Us", Report.num(viaRest, "p50Us") - Report.num(direct, "p50Us"));
      return m;
    } finally {
      device.close();
    }
  }

  /** {@code ServiceBench [devices] [queries] [calls]}: prints the result as JSON. */
  public static void main(String[] args) throws Exception {
    int devices = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
    int queries = args.length > 1 ? Integer.parseInt(args[1]) : 50;
    int calls = args.length > 2 ? Integer.parseInt(args[2]) : 1_000;
    System.out.println(Json.write(run(devices, queries, calls)));
  }
}
