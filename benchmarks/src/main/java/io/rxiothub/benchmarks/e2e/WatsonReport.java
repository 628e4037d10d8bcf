// The Markdown table of the Watson gateway benchmark, with the targets (issue 16).
package io.rxiothub.benchmarks.e2e;

import java.util.Locale;
import java.util.Map;

/** Formats {@code watson} of the result map of {@link E2eMain}. */
final class WatsonReport {

  private WatsonReport() {}

  /** The tables (one per delay: {@code watson}, {@code watson-delay-…}), or "" when the scenario did not run. */
  @SuppressWarnings("unchecked")
  static String table(Map<String, Object> results) {
    StringBuilder all = new StringBuilder();
    for (Map.Entry<String, Object> e : results.entrySet()) {
      if (e.getKey().startsWith("watson")) {
        all.append(table(e.getKey(), (Map<String, Object>) e.getValue()));
      }
    }
    return all.toString();
  }

  @SuppressWarnings("unchecked")
  private static String table(String key, Map<String, Object> w) {
    String delay = key.startsWith("watson-delay-") ? "; through a relay adding " + key.substring(13) + " each way"
        : "";
    StringBuilder s = new StringBuilder("### Watson gateway events (QoS 1, 256 B JSON, 1,000 devices behind one "
        + "gateway; window " + WatsonBench.WINDOW + ", IBM's SDK " + WatsonBench.IBM_WINDOW + delay + ")\n\n"
        + "| client | events/s | accepted by emulator | client CPU µs/event | emulator CPU µs/event "
        + "| client alloc B/event | threads | all runs events/s |\n|---|---:|---:|---:|---:|---:|---:|---|\n");
    for (Map.Entry<String, Object> e : w.entrySet()) {
      Map<String, Object> m = (Map<String, Object>) e.getValue();
      s.append("| ").append(e.getKey()).append(" |");
      if (m.get("error") != null) {
        s.append(" error: ").append(m.get("error")).append(" | | | | | | |\n");
        continue;
      }
      for (String k : new String[] {"eventsPerSec", "acceptedByEmulator", "cpuUsPerEvent", "hubCpuUsPerEvent",
          "allocBytesPerEvent", "threads"}) {
        s.append(' ').append(f(Report.num(m, k))).append(" |");
      }
      s.append(' ').append(Json.write(m.get("allRunsEventsPerSec"))).append(" |\n");
    }
    double rx = Report.num(w.get("rxiothub"), "eventsPerSec");
    double raw = Report.num(w.get("hivemq-async"), "eventsPerSec");
    double ibm = Report.num(w.get("ibm"), "eventsPerSec");
    double alloc = Report.num(w.get("rxiothub"), "allocBytesPerEvent");
    double rawAlloc = Report.num(w.get("hivemq-async"), "allocBytesPerEvent");
    s.append("\nTargets (rxiothub, one publishEvent per event): ≥ 1.0× raw HiveMQ: ").append(ratio(rx, raw, 1.0, true))
        .append("; ≥ 5× IBM's SDK: ").append(ratio(rx, ibm, 5.0, true))
        .append("; allocation ≤ 1.5× raw HiveMQ's: ").append(ratio(alloc, rawAlloc, 1.5, false));
    if (w.get("rxiothub-stream") != null) {
      s.append("; sendAll vs raw: ")
          .append(ratio(Report.num(w.get("rxiothub-stream"), "eventsPerSec"), raw, 1.0, true));
    }
    return s.append(".\n\n").toString();
  }

  private static String ratio(double a, double b, double target, boolean atLeast) {
    if (Double.isNaN(a) || Double.isNaN(b) || b == 0) {
      return "n/a";
    }
    double q = a / b;
    return f(q) + "× (" + ((atLeast ? q >= target : q <= target) ? "met" : "missed") + ")";
  }

  private static String f(double v) {
    if (Double.isNaN(v)) {
      return "–";
    }
    return Math.abs(v) >= 100 ? String.format(Locale.ROOT, "%,.0f", v) : String.format(Locale.ROOT, "%.2f", v);
  }
}
