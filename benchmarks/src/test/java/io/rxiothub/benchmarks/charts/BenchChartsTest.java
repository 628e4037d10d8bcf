// The benchmark charts: well-formed SVG with one bar per value, round ticks, text escaped, and the three charts of a
// result drawn from what it holds (nothing for a scenario that did not run).
package io.rxiothub.benchmarks.charts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;

class BenchChartsTest {

  private static Document parse(String svg) throws Exception {
    return DocumentBuilderFactory.newInstance().newDocumentBuilder()
        .parse(new ByteArrayInputStream(svg.getBytes(StandardCharsets.UTF_8)));
  }

  private static int bars(Document svg) {
    return svg.getElementsByTagName("title").getLength();
  }

  @Test
  void aGroupedChartHasOneBarPerValueAndEscapesText() throws Exception {
    String svg = new SvgBarChart("a < b & \"c\"", "msgs/s", List.of("round 1", "round 2"), false)
        .group("rxiothub", 70_000, 72_000).group("hivemq", 80_000, Double.NaN).svg();
    Document doc = parse(svg);
    assertThat(bars(doc)).isEqualTo(3);
    assertThat(svg).contains("a &lt; b &amp; &quot;c&quot;").contains("rxiothub, round 2: 72,000 msgs/s");
  }

  @Test
  void linearTicksAreRoundAndCoverTheMaximum() {
    assertThat(SvgBarChart.linearTicks(81_974)).containsExactly(0.0, 20_000.0, 40_000.0, 60_000.0, 80_000.0,
        100_000.0);
    assertThat(SvgBarChart.logTicks(0.4, 25)).containsExactly(0.1, 1.0, 10.0, 100.0);
  }

  @Test
  void aGroupWithTheWrongNumberOfValuesIsRefused() {
    SvgBarChart chart = new SvgBarChart("t", "ms", List.of("p50", "p90"), true);
    assertThatThrownBy(() -> chart.group("x", 1)).hasMessageContaining("has 1 values for 2 series");
  }

  @Test
  void writesTheChartsOfWhatTheResultHolds(@TempDir Path dir) throws Exception {
    Map<String, Object> stats = Map.of("p50Us", 461.0, "p90Us", 738.0, "p99Us", 2130.0, "p999Us", 4808.0);
    Map<String, Object> results = Map.of(
        "d2c", Map.of("rxiothub", Map.of("msgsPerSec", 70_000.0, "allRunsMsgsPerSec", List.of(69_000.0, 70_000.0,
            71_000.0)), "hivemq-async", Map.of("msgsPerSec", 69_000.0)),
        "method", Map.of("rxiothub", stats, "hivemq", stats),
        "azure", Map.of("method", stats, "d2cTuned", Map.of("msgsPerSec", 7_900.0)));
    List<Path> written = BenchCharts.write(results, dir.resolve("e2e-full-x.json"));
    assertThat(written).extracting(p -> p.getFileName().toString())
        .containsExactly("e2e-full-x-throughput.svg", "e2e-full-x-latency.svg");
    Document throughput = parse(Files.readString(written.get(0)));
    assertThat(bars(throughput)).isEqualTo(3 + 1 + 1);
    Document latency = parse(Files.readString(written.get(1)));
    assertThat(bars(latency)).isEqualTo(3 * 4);
    assertThat(Files.readString(written.get(1))).contains("method official SDK, p99.9: 4.8 ms");
  }
}
