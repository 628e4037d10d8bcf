// The hub emulator of the gateway benchmark, in its own JVM: it checks every benchmark message on arrival (order,
// loss, latency per path) and keeps none.
package io.rxiothub.benchmarks.gateway;

import io.rxiothub.benchmarks.e2e.Bench;
import io.rxiothub.benchmarks.e2e.Json;
import io.rxiothub.emulator.HubEmulator;

/**
 * {@code GatewayHubServer <hostName> <gatewayPrefix>}: the emulator (TLS, WebSocket off, one telemetry message
 * kept), then the control commands {@code devices <prefix> <n>}, {@code mark} (latency counts from now),
 * {@code check <prefix> <acked0,acked1,...>} (loss and order of leaves prefix0.., JSON), {@code connected <prefix> <n>}, {@code received <prefix>},
 * {@code latency} (JSON), {@code partition <prefix> <n>}, {@code heal <prefix> <n>}, {@code stats} (threads,
 * heap), {@code cpu}, {@code quit}.
 */
public final class GatewayHubServer {

  private GatewayHubServer() {}

  /** Entry point; see the class comment. */
  public static void main(String[] args) throws Exception {
    HubEmulator hub = HubEmulator.builder().hostName(args[0]).mqttPort(0).webSocketPort(-1)
        .telemetryRetention(1).build();
    hub.start();
    Arrivals arrivals = new Arrivals(args[1]);
    hub.telemetry().subscribe(m -> arrivals.arrived(m.deviceId(), m.payload()));
    ControlServer.serve(hub.mqttPort(), hub.caFile().toString(), c -> switch (c[0]) {
      case "devices" -> {
        int n = Integer.parseInt(c[2]);
        for (int i = 0; i < n; i++) {
          String id = c[1] + i;
          if (hub.registry().get(id).isEmpty()) {
            hub.registry().createDevice(id, Bench.KEY, Bench.KEY);
          }
        }
        yield "OK " + n;
      }
      case "mark" -> {
        arrivals.mark();
        yield "OK";
      }
      case "check" -> "OK " + Json.write(arrivals.check(c[1], c[2].equals("-") ? new long[0]
          : java.util.Arrays.stream(c[2].split(",")).mapToLong(Long::parseLong).toArray()));
      case "connected" -> {
        int n = Integer.parseInt(c[2]);
        int up = 0;
        for (int i = 0; i < n; i++) {
          up += hub.isConnected(c[1] + i) ? 1 : 0;
        }
        yield "OK " + up;
      }
      case "received" -> "OK " + arrivals.received(c[1]);
      case "latency" -> "OK " + Json.write(arrivals.latency());
      case "partition", "heal" -> {
        int n = Integer.parseInt(c[2]);
        for (int i = 0; i < n; i++) {
          if (c[0].equals("partition")) {
            hub.faults().partition(c[1] + i);
          } else {
            hub.faults().heal(c[1] + i);
          }
        }
        yield "OK";
      }
      case "stats" -> "OK " + Bench.threads() + " " + Bench.heapAfterGc();
      case "cpu" -> "OK " + Bench.processCpuNanos();
      default -> "ERR unknown command " + c[0];
    }, hub::close);
  }
}
