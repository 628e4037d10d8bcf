// The Watson side's own counters (protocol.md §18.3), written as Prometheus text after the gateway's.
package io.rxiothub.gateway.internal;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/** Counters of commands, dropped publishes and notifications. Thread-safe. */
final class WatsonMetrics {

  final AtomicLong commandsDelivered = new AtomicLong();
  final AtomicLong commandsDropped = new AtomicLong();
  final AtomicLong publishesDropped = new AtomicLong();
  private final Map<String, AtomicLong> notifications = new ConcurrentHashMap<>();

  void notification(String rc) {
    notifications.computeIfAbsent(rc, k -> new AtomicLong()).incrementAndGet();
  }

  long notifications(String rc) {
    AtomicLong n = notifications.get(rc);
    return n == null ? 0 : n.get();
  }

  void text(StringBuilder out, boolean upstreamUp) {
    head(out, "rxiothub_gateway_watson_upstream_up", "1 while the Watson IoT gateway connection is up", "gauge")
        .append("rxiothub_gateway_watson_upstream_up ").append(upstreamUp ? 1 : 0).append('\n');
    counter(out, "rxiothub_gateway_watson_commands_delivered_total", "Commands handed to a Watson leaf's session",
        commandsDelivered.get());
    counter(out, "rxiothub_gateway_watson_commands_dropped_total",
        "Commands for a Watson leaf that was not connected or not subscribed", commandsDropped.get());
    counter(out, "rxiothub_gateway_watson_publishes_dropped_total",
        "PUBLISHes of Watson leaves not carried (topic not an event, payload too large)", publishesDropped.get());
    head(out, "rxiothub_gateway_watson_notifications_total", "Gateway notifications of the platform, by RC",
        "counter");
    for (Map.Entry<String, AtomicLong> e : new TreeMap<>(notifications).entrySet()) {
      out.append("rxiothub_gateway_watson_notifications_total{rc=\"").append(label(e.getKey())).append("\"} ")
          .append(e.getValue().get()).append('\n');
    }
  }

  private static StringBuilder head(StringBuilder out, String name, String help, String type) {
    return out.append("# HELP ").append(name).append(' ').append(help).append('\n')
        .append("# TYPE ").append(name).append(' ').append(type).append('\n');
  }

  private static void counter(StringBuilder out, String name, String help, long value) {
    head(out, name, help, "counter").append(name).append(' ').append(value).append('\n');
  }

  /** A label value as Prometheus text wants it: backslash, quote and newline escaped. */
  private static String label(String value) {
    return value.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
  }
}
