// The hub emulator as a separate benchmark process, driven by one-line commands over a loopback socket.
package io.rxiothub.benchmarks.e2e;

import io.rxiothub.emulator.HubEmulator;
import io.rxiothub.emulator.MethodResult;
import io.rxiothub.emulator.TelemetryMessage;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code HubServer <hostName> <mqttPort> }: starts the emulator (TLS; WebSocket off), prints
 * {@code READY <mqttPort> <controlPort> <caFile>} and serves commands, one per line, each answered by one line:
 * {@code devices <prefix> <n>}, {@code invoke <deviceId> <method> <count> <timeoutMs>} (sequential invokes, latency
 * JSON), {@code drop <deviceId>} (orderly close), {@code reset <deviceId>} (TCP reset), {@code count <deviceId>} (telemetry messages and distinct {@code $.mid}s seen),
 * {@code desired <deviceId> <json>}, {@code c2d <deviceId> <text>}, {@code stats} (threads, heap), {@code quit}.
 */
public final class HubServer {

  private final HubEmulator hub;
  private final Map<String, AtomicLong> counts = new ConcurrentHashMap<>();
  private final Map<String, Set<String>> mids = new ConcurrentHashMap<>();

  private HubServer(HubEmulator hub) {
    this.hub = hub;
    hub.telemetry().subscribe(this::count);
  }

  private void count(TelemetryMessage m) {
    counts.computeIfAbsent(m.deviceId(), k -> new AtomicLong()).incrementAndGet();
    String mid = m.systemProperties().get("$.mid");
    if (mid != null && m.deviceId().startsWith("rc")) {
      mids.computeIfAbsent(m.deviceId(), k -> ConcurrentHashMap.newKeySet()).add(mid);
    }
  }

  /** Entry point; see the class comment. */
  public static void main(String[] args) throws Exception {
    String host = args.length > 0 ? args[0] : "localhost";
    int port = args.length > 1 ? Integer.parseInt(args[1]) : 0;
    HubEmulator hub = HubEmulator.builder().hostName(host).mqttPort(port).webSocketPort(-1)
        .telemetryRetention(1).build();
    hub.start();
    HubServer server = new HubServer(hub);
    try (ServerSocket control = new ServerSocket(0, 8, InetAddress.getLoopbackAddress())) {
      System.out.println("READY " + hub.mqttPort() + " " + control.getLocalPort() + " " + hub.caFile());
      System.out.flush();
      while (true) {
        Socket socket = control.accept();
        Thread t = new Thread(() -> server.serve(socket), "bench-control");
        t.setDaemon(true);
        t.start();
      }
    } finally {
      hub.close();
    }
  }

  private void serve(Socket socket) {
    try (socket;
        BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
        PrintWriter out = new PrintWriter(socket.getOutputStream(), true, StandardCharsets.UTF_8)) {
      String line;
      while ((line = in.readLine()) != null) {
        String reply;
        try {
          reply = handle(line.trim().split(" ", 3));
        } catch (RuntimeException e) {
          reply = "ERR " + e;
        }
        out.println(reply);
        if ("BYE".equals(reply)) {
          hub.close();
          System.exit(0);
        }
      }
    } catch (java.io.IOException e) {
      System.err.println("control connection ended: " + e);
    }
  }

  private String handle(String[] c) {
    switch (c[0]) {
      case "devices": {
        int n = Integer.parseInt(c[2]);
        for (int i = 0; i < n; i++) {
          String id = c[1] + i;
          if (hub.registry().get(id).isEmpty()) {
            hub.registry().createDevice(id, Bench.KEY, Bench.KEY);
          }
        }
        return "OK " + n;
      }
      case "invoke": {
        String[] a = c[2].split(" ");
        return "OK " + Json.write(invoke(c[1], a[0], Integer.parseInt(a[1]), Long.parseLong(a[2])));
      }
      case "drop":
        hub.dropConnection(c[1]);
        return "OK";
      case "reset":
        // A network loss: the TCP connection is reset (an orderly close is what the hub does on a takeover).
        hub.faults().killTcp(c[1]);
        return "OK";
      case "count": {
        AtomicLong n = counts.get(c[1]);
        Set<String> s = mids.get(c[1]);
        return "OK " + (n == null ? 0 : n.get()) + " " + (s == null ? 0 : s.size());
      }
      case "desired":
        return "OK " + hub.updateDesired(c[1], c[2]).blockingGet();
      case "c2d":
        hub.sendCloudToDevice(c[1], c[2].getBytes(StandardCharsets.UTF_8), Map.of()).blockingGet();
        return "OK";
      case "stats":
        return "OK " + Bench.threads() + " " + Bench.heapAfterGc();
      case "cpu":
        // the emulator's CPU time so far (10 ms steps on Linux): a client reads it around its measurement
        return "OK " + Bench.processCpuNanos();
      case "quit":
        return "BYE";
      default:
        return "ERR unknown command " + c[0];
    }
  }

  private Map<String, Object> invoke(String deviceId, String method, int count, long timeoutMs) {
    long[] nanos = new long[count];
    int ok = 0;
    int errors = 0;
    Duration timeout = Duration.ofMillis(timeoutMs);
    String payload = "{\"delay\":0}";
    for (int i = 0; i < count; i++) {
      long t0 = System.nanoTime();
      MethodResult r = hub.invokeMethod(deviceId, method, payload, timeout).blockingGet();
      long t = System.nanoTime() - t0;
      if (r.status() == 200) {
        nanos[ok++] = t;
      } else {
        errors++;
      }
    }
    Map<String, Object> m = Bench.latency(nanos, ok);
    m.put("errors", errors);
    return m;
  }
}
