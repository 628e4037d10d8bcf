// The gateway's counters, written as Prometheus text (protocol.md §18.4).
package io.rxiothub.gateway.internal;

import io.rxiothub.gateway.store.ForwardStore;
import io.rxiothub.gateway.store.StoreStats;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntSupplier;

/** Counters and gauges. Thread-safe. */
public final class Metrics {

  final AtomicLong received = new AtomicLong();
  final AtomicLong receivedBytes = new AtomicLong();
  final AtomicLong forwarded = new AtomicLong();
  final AtomicLong forwardedBytes = new AtomicLong();
  final AtomicLong refused = new AtomicLong();
  final AtomicLong methodsNotConnected = new AtomicLong();

  /** Returns the Prometheus text exposition of the counters, the store and the connection gauges. */
  public String text(ForwardStore store, IntSupplier leavesConnected, IntSupplier upstreamConnected,
      int upstreamOpen) {
    StoreStats stats = store.stats();
    StringBuilder out = new StringBuilder(1024);
    gauge(out, "rxiothub_gateway_leaves_connected", "Leaves connected to the gateway's broker",
        leavesConnected.getAsInt());
    gauge(out, "rxiothub_gateway_upstream_connected", "Upstream connections that are up",
        upstreamConnected.getAsInt());
    gauge(out, "rxiothub_gateway_upstream_open", "Upstream connections open or reconnecting", upstreamOpen);
    gauge(out, "rxiothub_gateway_upstream_up",
        "1 when every open upstream connection is up, else 0", upstreamConnected.getAsInt() == upstreamOpen ? 1 : 0);
    gauge(out, "rxiothub_gateway_queue_messages", "Messages in the store", stats.messages());
    gauge(out, "rxiothub_gateway_queue_bytes", "Bytes of the messages in the store", stats.bytes());
    counter(out, "rxiothub_gateway_queue_dropped_total", "Messages dropped by the overflow policy", stats.dropped());
    counter(out, "rxiothub_gateway_queue_expired_total", "Messages dropped by the age limit", stats.expired());
    counter(out, "rxiothub_gateway_messages_received_total", "Telemetry messages stored and acknowledged",
        received.get());
    counter(out, "rxiothub_gateway_bytes_received_total", "Payload bytes stored and acknowledged",
        receivedBytes.get());
    counter(out, "rxiothub_gateway_messages_refused_total", "Telemetry messages the store refused", refused.get());
    counter(out, "rxiothub_gateway_messages_forwarded_total", "Telemetry messages the cloud acknowledged",
        forwarded.get());
    counter(out, "rxiothub_gateway_bytes_forwarded_total", "Payload bytes the cloud acknowledged",
        forwardedBytes.get());
    counter(out, "rxiothub_gateway_methods_not_connected_total", "Method calls answered 404 (leaf away)",
        methodsNotConnected.get());
    return out.toString();
  }

  static void gauge(StringBuilder out, String name, String help, long value) {
    out.append("# HELP ").append(name).append(' ').append(help).append('\n')
        .append("# TYPE ").append(name).append(" gauge\n").append(name).append(' ').append(value).append('\n');
  }

  static void counter(StringBuilder out, String name, String help, long value) {
    out.append("# HELP ").append(name).append(' ').append(help).append('\n')
        .append("# TYPE ").append(name).append(" counter\n").append(name).append(' ').append(value).append('\n');
  }
}
