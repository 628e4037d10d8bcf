// Turns the end-to-end results into Markdown tables with the targets and the ratios against them.
package io.rxiothub.benchmarks.e2e;

import java.util.Locale;
import java.util.Map;

/** Formats the result map of {@link E2eMain} (the same tables RESULTS.md carries). */
public final class Report {

  private Report() {}

  /** Markdown tables of everything present in {@code r}. */
  @SuppressWarnings("unchecked")
  public static String tables(Map<String, Object> r) {
    StringBuilder s = new StringBuilder();
    Map<String, Object> d2c = (Map<String, Object>) r.get("d2c");
    Map<String, Object> azure = (Map<String, Object>) r.get("azure");
    if (d2c != null) {
      s.append("### D2C throughput (QoS 1, 256 B, 3 properties, one client, window ").append(ClientBench.WINDOW)
          .append(")\n\n| client | msgs/s | client CPU µs/msg | emulator CPU µs/msg | client alloc B/msg | threads "
              + "| vs rxiothub |\n")
          .append("|---|---:|---:|---:|---:|---:|---:|\n");
      double rx = num(d2c.get("rxiothub"), "msgsPerSec");
      for (Map.Entry<String, Object> e : d2c.entrySet()) {
        Map<String, Object> m = (Map<String, Object>) e.getValue();
        s.append(row(e.getKey(), m, "msgsPerSec", "cpuUsPerMsg", "hubCpuUsPerMsg", "allocBytesPerMsg", "threads"))
            .append(" ").append(ratio(rx, num(m, "msgsPerSec"))).append(" |\n");
      }
      if (azure != null && azure.get("d2cDefault") != null) {
        for (String k : new String[] {"d2cDefault", "d2cTuned"}) {
          Map<String, Object> m = (Map<String, Object>) azure.get(k);
          s.append(row("official SDK 2.5.0 " + (k.equals("d2cDefault") ? "defaults" : "sendInterval=1ms"), m,
              "msgsPerSec", "cpuUsPerMsg", "none", "none", "threads")).append(" ")
              .append(ratio(rx, num(m, "msgsPerSec"))).append(" |\n");
        }
      }
      double react = num(d2c.get("hivemq-reactive"), "msgsPerSec");
      s.append("\nTarget rxiothub ≥ 0.9× raw HiveMQ reactive: ").append(ratioText(rx, react, 0.9));
      if (d2c.get("rxiothub-stream") != null) {
        s.append(" (per-message send); stream to stream, rxiothub sendAll vs publish(Flowable): ")
            .append(ratioText(num(d2c.get("rxiothub-stream"), "msgsPerSec"), react, 0.9));
      }
      if (azure != null && azure.get("d2cDefault") != null) {
        s.append("; ≥ 20× official SDK defaults: ")
            .append(ratioText(rx, num(azure.get("d2cDefault"), "msgsPerSec"), 20));
      }
      s.append("\n\n");
    }
    Map<String, Object> method = (Map<String, Object>) r.get("method");
    if (method != null || azure != null && azure.get("method") != null) {
      s.append("### Direct method round trip (emulator invokeMethod → device handler → reply), µs\n\n")
          .append("| device client | calls | p50 | p99 | p99.9 | max | errors |\n|---|---:|---:|---:|---:|---:|---:|\n");
      if (method != null) {
        for (Map.Entry<String, Object> e : method.entrySet()) {
          s.append(lat(e.getKey(), (Map<String, Object>) e.getValue())).append('\n');
        }
      }
      if (azure != null && azure.get("method") != null) {
        s.append(lat("official SDK 2.5.0", (Map<String, Object>) azure.get("method"))).append('\n');
      }
      if (method != null && method.get("rxiothub") != null && method.get("hivemq") != null) {
        s.append("\nrxiothub / raw HiveMQ: p50 ").append(ratio(num(method.get("rxiothub"), "p50Us"),
            num(method.get("hivemq"), "p50Us"))).append(", p99 ").append(ratio(num(method.get("rxiothub"), "p99Us"),
            num(method.get("hivemq"), "p99Us"))).append(" (lower is better).");
      }
      s.append("\nTarget p99 < 2000 µs: rxiothub ")
          .append(method != null && num(method.get("rxiothub"), "p99Us") < 2000 ? "met" : "missed").append(".\n\n");
    }
    Map<String, Object> twin = (Map<String, Object>) r.get("twin");
    if (twin != null || azure != null && azure.get("twinGet") != null) {
      s.append("### Twin, sequential, µs (device side: request → response)\n\n")
          .append("| client / op | n | p50 | p99 | p99.9 | max | errors |\n|---|---:|---:|---:|---:|---:|---:|\n");
      if (twin != null) {
        for (Map.Entry<String, Object> e : twin.entrySet()) {
          Map<String, Object> m = (Map<String, Object>) e.getValue();
          if (m.get("get") != null) {
            s.append(lat(e.getKey() + " GET", (Map<String, Object>) m.get("get"))).append('\n');
            s.append(lat(e.getKey() + " PATCH reported", (Map<String, Object>) m.get("patch"))).append('\n');
          }
        }
      }
      if (azure != null && azure.get("twinGet") != null) {
        s.append(lat("official SDK GET", (Map<String, Object>) azure.get("twinGet"))).append('\n');
        s.append(lat("official SDK PATCH reported", (Map<String, Object>) azure.get("twinPatch"))).append('\n');
      }
      if (twin != null) {
        s.append("\nThroughput, 100 requests in flight (one client):\n\n| client | GET ops/s | PATCH reported ops/s |"
            + " errors |\n|---|---:|---:|---:|\n");
        for (Map.Entry<String, Object> e : twin.entrySet()) {
          Map<String, Object> m = (Map<String, Object>) e.getValue();
          Map<String, Object> g = (Map<String, Object>) m.get("getPipelined");
          Map<String, Object> p = (Map<String, Object>) m.get("patchPipelined");
          if (p != null) {
            s.append("| ").append(e.getKey()).append(" | ").append(f(num(g, "opsPerSec"))).append(" | ")
                .append(f(num(p, "opsPerSec"))).append(" | ")
                .append((long) (num(g, "errors") + num(p, "errors"))).append(" |\n");
          }
        }
      }
      s.append('\n');
    }
    Map<String, Object> rc = (Map<String, Object>) r.get("reconnect");
    if (rc != null) {
      s.append("### Reconnect (TCP reset by the hub → first acked message; messages queued meanwhile), ms\n\n")
          .append("| client | rounds | queued/round | first ack p50 | first ack max | all acked p50 | all acked max |"
              + " all delivered |\n|---|---:|---:|---:|---:|---:|---:|---|\n");
      for (Map.Entry<String, Object> e : rc.entrySet()) {
        Map<String, Object> m = (Map<String, Object>) e.getValue();
        if (m.get("error") != null) {
          s.append("| ").append(e.getKey()).append(" | error: ").append(m.get("error")).append(" |\n");
          continue;
        }
        Map<String, Object> first = (Map<String, Object>) m.get("firstAckAfterDrop");
        Map<String, Object> all = (Map<String, Object>) m.get("allAckedAfterDrop");
        s.append("| ").append(e.getKey()).append(" | ").append(m.get("rounds")).append(" | ")
            .append(m.get("queuedPerRound")).append(" | ").append(ms(first, "p50Us")).append(" | ")
            .append(ms(first, "maxUs")).append(" | ").append(ms(all, "p50Us")).append(" | ")
            .append(ms(all, "maxUs")).append(" | ").append(m.get("allDelivered")).append(" (")
            .append(m.get("distinctDelivered")).append("/").append(m.get("sentWithIds")).append(") |\n");
      }
      s.append('\n');
    }
    Map<String, Object> scale = (Map<String, Object>) r.get("scale");
    if (scale != null) {
      s.append("### Scale (rxiothub clients in one JVM; C2D, desired updates and a method subscribed; one message a"
          + " minute each)\n\n")
          .append("| clients | connected | threads added | threads total | heap/client KB (total/N) |"
              + " marginal heap/client KB (2nd half) | connect p50 ms | connect p99 ms | connects/s |"
              + " client CPU ms/connect | idle CPU % of a core | msgs acked |\n")
          .append("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
      for (Map.Entry<String, Object> e : scale.entrySet()) {
        Map<String, Object> m = (Map<String, Object>) e.getValue();
        if (m.get("error") != null) {
          s.append("| ").append(e.getKey()).append(" | error: ").append(m.get("error")).append(" |\n");
          continue;
        }
        Map<String, Object> c = (Map<String, Object>) m.get("connect");
        s.append("| ").append(e.getKey()).append(" | ").append(m.get("connected")).append(" | ")
            .append(m.get("threadsAdded")).append(" | ").append(m.get("threadsAfter")).append(" | ")
            .append(f(num(m, "heapPerClientKb"))).append(" | ").append(f(num(m, "marginalHeapPerClientKb")))
            .append(" | ").append(ms(c, "p50Us")).append(" | ")
            .append(ms(c, "p99Us")).append(" | ").append(f(num(m, "connectsPerSec"))).append(" | ")
            .append(f(num(m, "rampCpuMsPerConnect"))).append(" | ")
            .append(f(num(m, "idleCpuPctOfOneCore"))).append(" | ").append(m.get("messagesAcked")).append(" | ")
            .append(probe((Map<String, Object>) m.get("probe"))).append(" |\n");
      }
      s.append("\nTargets: 10,000 clients, ≤ 16 threads total, ≤ 12 KB heap per idle client.\n");
      if (azure != null && azure.get("threadsPerClient") != null) {
        s.append("Official SDK 2.5.0: ").append(f(num(azure, "threadsPerClient")))
            .append(" threads per client (live threads by open clients: ").append(Json.write(azure.get("threadsByClients")))
            .append(").\n");
      }
      Map<String, Object> az = azure == null ? null : (Map<String, Object>) azure.get("scale");
      if (az != null) {
        Map<String, Object> c = (Map<String, Object>) az.get("connect");
        s.append("\nOfficial SDK 2.5.0 in one JVM (clients opened one after the other, as its blocking open() does):\n\n"
            + "| clients | stopped because | threads total | threads/client | heap/client KB | connect p50 ms |"
            + " connect p99 ms | client CPU ms/connect | idle CPU % of a core |\n"
            + "|---:|---|---:|---:|---:|---:|---:|---:|---:|\n| ")
            .append(az.get("clients")).append(" | ").append(az.get("stoppedBecause")).append(" | ")
            .append(az.get("threads")).append(" | ").append(f(num(az, "threadsPerClient"))).append(" | ")
            .append(f(num(az, "heapPerClientKb"))).append(" | ").append(ms(c, "p50Us")).append(" | ")
            .append(ms(c, "p99Us")).append(" | ").append(f(num(az, "rampCpuMsPerConnect"))).append(" | ")
            .append(f(num(az, "idleCpuPctOfOneCore"))).append(" |\n");
      }
      s.append('\n');
    }
    if (azure != null && azure.get("skipped") != null) {
      s.append("Official SDK part skipped: ").append(azure.get("skipped")).append("\n");
    }
    if (azure != null && azure.get("error") != null) {
      s.append("Official SDK part failed: ").append(azure.get("error")).append("\n");
    }
    s.append(WatsonReport.table(r));
    return s.toString();
  }

  private static String probe(Map<String, Object> p) {
    if (p == null) {
      return "–";
    }
    long n = (long) num(p, "sample");
    return (long) num(p, "methodsAnswered") + "/" + (long) num(p, "desiredReceived") + "/"
        + (long) num(p, "c2dReceived") + " of " + n;
  }

  @SuppressWarnings("unchecked")
  private static String row(String name, Object o, String... keys) {
    Map<String, Object> m = (Map<String, Object>) o;
    StringBuilder s = new StringBuilder("| ").append(name).append(" |");
    if (m == null || m.get("error") != null) {
      return s.append(" error: ").append(m == null ? "missing" : m.get("error")).append(" | | | | |").toString();
    }
    for (String k : keys) {
      s.append(' ').append(m.get(k) == null ? "–" : f(num(m, k))).append(" |");
    }
    return s.toString();
  }

  private static String lat(String name, Map<String, Object> m) {
    if (m == null || m.get("error") != null) {
      return "| " + name + " | error: " + (m == null ? "missing" : m.get("error")) + " | | | | | |";
    }
    return "| " + name + " | " + m.get("n") + " | " + f(num(m, "p50Us")) + " | " + f(num(m, "p99Us")) + " | "
        + f(num(m, "p999Us")) + " | " + f(num(m, "maxUs")) + " | " + m.getOrDefault("errors", 0) + " |";
  }

  private static String ms(Map<String, Object> m, String key) {
    return m == null ? "–" : f(num(m, key) / 1000.0);
  }

  @SuppressWarnings("unchecked")
  static double num(Object o, String key) {
    if (!(o instanceof Map)) {
      return Double.NaN;
    }
    Object v = ((Map<String, Object>) o).get(key);
    return v instanceof Number ? ((Number) v).doubleValue() : Double.NaN;
  }

  private static String ratio(double rx, double other) {
    return Double.isNaN(rx) || Double.isNaN(other) || other == 0 ? "–" : f(rx / other) + "×";
  }

  private static String ratioText(double rx, double other, double target) {
    if (Double.isNaN(rx) || Double.isNaN(other) || other == 0) {
      return "n/a";
    }
    double q = rx / other;
    return f(q) + "× (" + (q >= target ? "met" : "missed") + ")";
  }

  private static String f(double v) {
    if (Double.isNaN(v)) {
      return "–";
    }
    return Math.abs(v) >= 100 ? String.format(Locale.ROOT, "%,.0f", v) : String.format(Locale.ROOT, "%.2f", v);
  }
}
