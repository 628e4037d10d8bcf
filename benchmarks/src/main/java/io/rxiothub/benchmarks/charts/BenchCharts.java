// Charts of an end-to-end result (E2eMain's JSON): D2C throughput per client and round, latency percentiles per
// operation and client, heap per client; SVG files next to the JSON, so RESULTS.md can show them.
package io.rxiothub.benchmarks.charts;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** Writes {@code {stem}-throughput.svg}, {@code -latency.svg} and {@code -heap.svg} for what a result holds. */
public final class BenchCharts {

  private static final List<String> PERCENTILES = List.of("p50Us", "p90Us", "p99Us", "p999Us");

  private BenchCharts() {}

  /** Charts for each JSON file given: {@code java … BenchCharts results/e2e-full-….json…}. */
  public static void main(String[] args) throws IOException {
    ObjectMapper json = new ObjectMapper();
    for (String arg : args) {
      Path file = Paths.get(arg);
      Map<String, Object> results = json.readValue(file.toFile(), new TypeReference<Map<String, Object>>() {});
      for (Path written : write(results, file)) {
        System.out.println("chart: " + written);
      }
    }
  }

  /** Writes the charts of {@code results} beside {@code jsonFile}; returns the files written. */
  public static List<Path> write(Map<String, Object> results, Path jsonFile) throws IOException {
    String name = jsonFile.getFileName().toString();
    String stem = name.endsWith(".json") ? name.substring(0, name.length() - 5) : name;
    Map<String, @Nullable SvgBarChart> charts = new LinkedHashMap<>();
    charts.put("throughput", throughput(results));
    charts.put("latency", latency(results));
    charts.put("heap", heap(results));
    List<Path> out = new ArrayList<>();
    for (Map.Entry<String, @Nullable SvgBarChart> chart : charts.entrySet()) {
      SvgBarChart value = chart.getValue();
      if (value != null && !value.isEmpty()) {
        Path svg = jsonFile.resolveSibling(stem + "-" + chart.getKey() + ".svg");
        Files.writeString(svg, value.svg(), StandardCharsets.UTF_8);
        out.add(svg);
      }
    }
    return out;
  }

  /** D2C msgs/s per client, one bar per round (allRunsMsgsPerSec), the official SDK's single runs beside. */
  static @Nullable SvgBarChart throughput(Map<String, Object> results) {
    Map<String, Object> d2c = map(results.get("d2c"));
    if (d2c.isEmpty()) {
      return null;
    }
    int rounds = 1;
    for (Object client : d2c.values()) {
      rounds = Math.max(rounds, list(map(client).get("allRunsMsgsPerSec")).size());
    }
    List<String> series = new ArrayList<>();
    for (int i = 1; i <= rounds; i++) {
      series.add("round " + i);
    }
    SvgBarChart chart = new SvgBarChart("D2C throughput per client and round (QoS 1, 256 B)", "msgs/s", series,
        false);
    for (Map.Entry<String, Object> client : d2c.entrySet()) {
      List<Object> runs = list(map(client.getValue()).get("allRunsMsgsPerSec"));
      double[] values = new double[rounds];
      for (int i = 0; i < rounds; i++) {
        values[i] = i < runs.size() ? num(runs.get(i)) : (i == 0 && runs.isEmpty()
            ? num(map(client.getValue()).get("msgsPerSec")) : Double.NaN);
      }
      chart.group(client.getKey(), values);
    }
    Map<String, Object> azure = map(results.get("azure"));
    for (String run : new String[] {"d2cDefault", "d2cTuned"}) {
      if (azure.containsKey(run)) {
        double[] values = new double[rounds];
        java.util.Arrays.fill(values, Double.NaN);
        values[0] = num(map(azure.get(run)).get("msgsPerSec"));
        chart.group("official SDK " + (run.equals("d2cDefault") ? "defaults" : "1 ms interval"), values);
      }
    }
    return chart;
  }

  /** p50/p90/p99/p99.9 in ms of methods and twin operations per client, the official SDK's beside. */
  static SvgBarChart latency(Map<String, Object> results) {
    SvgBarChart chart = new SvgBarChart("Round-trip latency percentiles", "ms",
        List.of("p50", "p90", "p99", "p99.9"), true);
    for (Map.Entry<String, Object> client : map(results.get("method")).entrySet()) {
      add(chart, "method " + client.getKey(), map(client.getValue()));
    }
    for (Map.Entry<String, Object> client : map(results.get("twin")).entrySet()) {
      add(chart, "twin get " + client.getKey(), map(map(client.getValue()).get("get")));
      add(chart, "twin patch " + client.getKey(), map(map(client.getValue()).get("patch")));
    }
    Map<String, Object> azure = map(results.get("azure"));
    add(chart, "method official SDK", map(azure.get("method")));
    add(chart, "twin get official SDK", map(azure.get("twinGet")));
    add(chart, "twin patch official SDK", map(azure.get("twinPatch")));
    return chart;
  }

  private static void add(SvgBarChart chart, String group, Map<String, Object> stats) {
    if (!stats.containsKey("p50Us")) {
      return;
    }
    double[] values = new double[PERCENTILES.size()];
    for (int i = 0; i < values.length; i++) {
      values[i] = num(stats.get(PERCENTILES.get(i))) / 1000.0;
    }
    chart.group(group, values);
  }

  /** KB of heap per connected client at each scale step (average and marginal), the official SDK's beside. */
  static SvgBarChart heap(Map<String, Object> results) {
    SvgBarChart chart = new SvgBarChart("Heap per connected idle client", "KB",
        List.of("average (after - before) / clients", "marginal (second half)"), false);
    for (Map.Entry<String, Object> step : map(results.get("scale")).entrySet()) {
      Map<String, Object> m = map(step.getValue());
      if (m.containsKey("heapPerClientKb")) {
        chart.group("rxiothub, " + step.getKey() + " clients", num(m.get("heapPerClientKb")),
            m.containsKey("marginalHeapPerClientKb") ? num(m.get("marginalHeapPerClientKb")) : Double.NaN);
      }
    }
    Map<String, Object> azure = map(map(results.get("azure")).get("scale"));
    if (azure.containsKey("heapPerClientKb")) {
      chart.group("official SDK, " + SvgBarChart.number(num(azure.get("clients"))) + " clients",
          num(azure.get("heapPerClientKb")), Double.NaN);
    }
    return chart;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> map(Object value) {
    return value instanceof Map ? (Map<String, Object>) value : Map.of();
  }

  @SuppressWarnings("unchecked")
  private static List<Object> list(Object value) {
    return value instanceof List ? (List<Object>) value : List.of();
  }

  private static double num(Object value) {
    return value instanceof Number n ? n.doubleValue() : Double.NaN;
  }
}
