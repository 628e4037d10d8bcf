// A grouped bar chart written as standalone SVG text (no library): groups along x, one bar per series in each group,
// a linear or log10 value axis with round ticks, a legend, each bar's value as its tooltip.
package io.rxiothub.benchmarks.charts;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** One chart; add groups, then {@link #svg()}. Not thread-safe. */
public final class SvgBarChart {

  private static final String[] COLOURS = {"#0b5cad", "#b3261e", "#1a7f37", "#8250df", "#bc4c00", "#1b7c83",
      "#6e7781", "#bf3989"};
  private static final int WIDTH = 860;
  private static final int HEIGHT = 460;
  private static final int LEFT = 80;
  private static final int RIGHT = 20;
  private static final int TOP = 50;
  private static final int BOTTOM = 150;

  private final String title;
  private final String unit;
  private final List<String> series;
  private final boolean log;
  private final List<String> groups = new ArrayList<>();
  private final List<double[]> values = new ArrayList<>();

  /** A chart whose values are in {@code unit}, with these series (bars per group); {@code log} for a log10 axis. */
  public SvgBarChart(String title, String unit, List<String> series, boolean log) {
    if (series.isEmpty()) {
      throw new IllegalArgumentException("series must not be empty");
    }
    this.title = title;
    this.unit = unit;
    this.series = List.copyOf(series);
    this.log = log;
  }

  /** Adds a group; {@code NaN} leaves a bar out. */
  public SvgBarChart group(String name, double... perSeries) {
    if (perSeries.length != series.size()) {
      throw new IllegalArgumentException("group '" + name + "' has " + perSeries.length + " values for "
          + series.size() + " series");
    }
    groups.add(name);
    values.add(perSeries.clone());
    return this;
  }

  /** Whether any bar has a value. */
  public boolean isEmpty() {
    return values.stream().flatMapToDouble(java.util.Arrays::stream).noneMatch(v -> !Double.isNaN(v) && v > 0);
  }

  /** The chart as an SVG document. */
  public String svg() {
    double max = values.stream().flatMapToDouble(java.util.Arrays::stream).filter(v -> !Double.isNaN(v))
        .max().orElse(1);
    double min = values.stream().flatMapToDouble(java.util.Arrays::stream).filter(v -> !Double.isNaN(v) && v > 0)
        .min().orElse(1);
    List<Double> ticks = log ? logTicks(min, max) : linearTicks(max);
    double top = ticks.get(ticks.size() - 1);
    double bottom = log ? ticks.get(0) : 0;
    int plotW = WIDTH - LEFT - RIGHT;
    int plotH = HEIGHT - TOP - BOTTOM;
    StringBuilder s = new StringBuilder();
    s.append("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"").append(WIDTH).append("\" height=\"")
        .append(HEIGHT).append("\" viewBox=\"0 0 ").append(WIDTH).append(' ').append(HEIGHT)
        .append("\" font-family=\"sans-serif\" font-size=\"12\">\n");
    s.append("<rect width=\"100%\" height=\"100%\" fill=\"#fff\"/>\n");
    s.append(text(WIDTH / 2.0, 24, "middle", 15, "bold", title));
    s.append(text(14, TOP + plotH / 2.0, "middle", 12, "normal", unit + (log ? " (log scale)" : ""))
        .replace("<text ", "<text transform=\"rotate(-90 14 " + fmt(TOP + plotH / 2.0) + ")\" "));
    for (double tick : ticks) {
      double y = TOP + plotH - plotH * scale(tick, bottom, top);
      s.append("<line x1=\"").append(LEFT).append("\" x2=\"").append(WIDTH - RIGHT).append("\" y1=\"").append(fmt(y))
          .append("\" y2=\"").append(fmt(y)).append("\" stroke=\"#d0d7de\"/>\n");
      s.append(text(LEFT - 6, y + 4, "end", 11, "normal", number(tick)));
    }
    double groupW = plotW / (double) Math.max(1, groups.size());
    double barW = Math.min(40, groupW * 0.8 / series.size());
    int longest = groups.stream().mapToInt(String::length).max().orElse(0);
    boolean rotate = longest * 6.5 > groupW;
    for (int g = 0; g < groups.size(); g++) {
      double x0 = LEFT + g * groupW + (groupW - barW * series.size()) / 2;
      for (int i = 0; i < series.size(); i++) {
        double v = values.get(g)[i];
        if (Double.isNaN(v) || (log && v <= 0)) {
          continue;
        }
        double h = plotH * scale(v, bottom, top);
        s.append("<rect x=\"").append(fmt(x0 + i * barW)).append("\" y=\"").append(fmt(TOP + plotH - h))
            .append("\" width=\"").append(fmt(barW - 2)).append("\" height=\"").append(fmt(h)).append("\" fill=\"")
            .append(COLOURS[i % COLOURS.length]).append("\"><title>").append(escape(groups.get(g) + ", "
                + series.get(i) + ": " + number(v) + " " + unit)).append("</title></rect>\n");
      }
      double cx = LEFT + g * groupW + groupW / 2;
      String label = text(cx, TOP + plotH + 16, rotate ? "end" : "middle", 11, "normal", groups.get(g));
      s.append(rotate ? label.replace("<text ", "<text transform=\"rotate(-30 " + fmt(cx) + " "
          + fmt(TOP + plotH + 16) + ")\" ") : label);
    }
    s.append("<line x1=\"").append(LEFT).append("\" x2=\"").append(WIDTH - RIGHT).append("\" y1=\"")
        .append(TOP + plotH).append("\" y2=\"").append(TOP + plotH).append("\" stroke=\"#57606a\"/>\n");
    double lx = LEFT;
    double ly = HEIGHT - 22 - 18 * ((series.size() - 1) / 6);
    for (int i = 0; i < series.size(); i++) {
      if (lx + 150 > WIDTH) {
        lx = LEFT;
        ly += 18;
      }
      s.append("<rect x=\"").append(fmt(lx)).append("\" y=\"").append(fmt(ly - 10)).append("\" width=\"12\""
          + " height=\"12\" fill=\"").append(COLOURS[i % COLOURS.length]).append("\"/>\n");
      s.append(text(lx + 16, ly, "start", 11, "normal", series.get(i)));
      lx += Math.max(90, 24 + 7 * series.get(i).length());
    }
    return s.append("</svg>\n").toString();
  }

  private double scale(double v, double bottom, double top) {
    if (log) {
      return (Math.log10(v) - Math.log10(bottom)) / (Math.log10(top) - Math.log10(bottom));
    }
    return top == 0 ? 0 : v / top;
  }

  /** 0 and 4..6 round steps up to at least {@code max}. */
  static List<Double> linearTicks(double max) {
    double raw = Math.max(max, 1e-9) / 5;
    double magnitude = Math.pow(10, Math.floor(Math.log10(raw)));
    double step = magnitude * (raw / magnitude <= 1 ? 1 : raw / magnitude <= 2 ? 2 : raw / magnitude <= 5 ? 5 : 10);
    List<Double> ticks = new ArrayList<>();
    for (double t = 0; t < max + step * 0.999; t += step) {
      ticks.add(t);
    }
    if (ticks.size() < 2) {
      ticks.add(step);
    }
    return ticks;
  }

  /** Powers of ten around {@code min..max}. */
  static List<Double> logTicks(double min, double max) {
    List<Double> ticks = new ArrayList<>();
    for (int e = (int) Math.floor(Math.log10(min)); e <= (int) Math.ceil(Math.log10(max)); e++) {
      ticks.add(Math.pow(10, e));
    }
    if (ticks.size() < 2) {
      ticks.add(ticks.get(0) * 10);
    }
    return ticks;
  }

  private static String text(double x, double y, String anchor, int size, String weight, String content) {
    return "<text x=\"" + fmt(x) + "\" y=\"" + fmt(y) + "\" text-anchor=\"" + anchor + "\" font-size=\"" + size
        + "\" font-weight=\"" + weight + "\" fill=\"#1b1f24\">" + escape(content) + "</text>\n";
  }

  static String number(double v) {
    if (v >= 1000) {
      return String.format(Locale.ROOT, "%,.0f", v);
    }
    if (v >= 10 || v == Math.rint(v)) {
      return String.format(Locale.ROOT, "%.0f", v);
    }
    return new java.math.BigDecimal(String.format(Locale.ROOT, v >= 1 ? "%.1f" : "%.3g", v)).stripTrailingZeros()
        .toPlainString();
  }

  private static String fmt(double v) {
    return String.format(Locale.ROOT, "%.1f", v);
  }

  static String escape(String text) {
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
  }
}
