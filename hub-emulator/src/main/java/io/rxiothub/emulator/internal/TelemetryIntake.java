// Telemetry intake (protocol.md §5, §9): parses a D2C topic's property bag, checks the 256 KB limit, captures
// messages and Wills per identity (bounded, newest kept) and streams them to the service side.
package io.rxiothub.emulator.internal;

import io.reactivex.rxjava3.core.Flowable;
import io.reactivex.rxjava3.processors.FlowableProcessor;
import io.reactivex.rxjava3.processors.PublishProcessor;
import io.rxiothub.emulator.TelemetryMessage;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Captured telemetry. Thread-safe. */
public final class TelemetryIntake {

  private static final Logger LOG = LoggerFactory.getLogger(TelemetryIntake.class);

  /** D2C size limit: body + system property values + application property names and values (protocol.md §9). */
  public static final int MAX_D2C_BYTES = 256 * 1024;

  private final Clock clock;
  private final int retention;
  private final Map<Identity, Deque<TelemetryMessage>> telemetry = new ConcurrentHashMap<>();
  private final FlowableProcessor<TelemetryMessage> stream = PublishProcessor.<TelemetryMessage>create()
      .toSerialized();

  /** Keeps the newest {@code retention} messages per identity, stamped by {@code clock}. */
  public TelemetryIntake(Clock clock, int retention) {
    this.clock = clock;
    this.retention = retention;
  }

  /** Why a telemetry PUBLISH must be refused (malformed bag, over 256 KB), or null when it may proceed. */
  public static @Nullable String problem(Identity identity, String topic, byte[] payload, Instant now) {
    try {
      long size = size(parse(identity, topic, payload, now).build());
      if (size > MAX_D2C_BYTES) {
        return "telemetry of " + size + " bytes is over the 256 KB limit";
      }
      return null;
    } catch (IllegalArgumentException e) {
      return "telemetry topic '" + topic + "' has a malformed property bag: " + e.getMessage();
    }
  }

  /**
   * Parses a telemetry topic's bag ({@code $.}-keys are system properties, the rest application properties in wire
   * order) and adds the properties the hub stamps.
   *
   * @throws IllegalArgumentException if the bag is malformed or holds a raw {@code /}
   */
  public static TelemetryMessage.Builder parse(Identity identity, String topic, byte[] payload, Instant now) {
    String rest = topic.substring(identity.eventsTopic().length());
    String bag = rest.startsWith("/") ? rest.substring(1) : rest;
    if (bag.endsWith("/")) {
      bag = bag.substring(0, bag.length() - 1);
    }
    if (bag.indexOf('/') >= 0) {
      throw new IllegalArgumentException("the bag contains a raw '/'");
    }
    TelemetryMessage.Builder message = TelemetryMessage.builder()
        .deviceId(identity.deviceId())
        .moduleId(identity.moduleId())
        .payload(payload)
        .topic(topic)
        .enqueuedTime(now);
    for (Map.Entry<String, @Nullable String> e : PropertyBags.decode(bag).entrySet()) {
      if (e.getKey().startsWith("$.")) {
        message.systemProperty(e.getKey(), e.getValue());
      } else {
        message.applicationProperty(e.getKey(), e.getValue());
      }
    }
    message.systemProperty("iothub-connection-device-id", identity.deviceId());
    if (identity.moduleId() != null) {
      message.systemProperty("iothub-connection-module-id", identity.moduleId());
    }
    message.systemProperty("iothub-connection-auth-method", "{\"scope\":\"device\",\"type\":\"sas\"}");
    message.systemProperty("iothub-enqueuedtime", now.toString());
    return message;
  }

  /** The size IoT Hub counts against the limit: body, system property values, application names and values. */
  static long size(TelemetryMessage message) {
    long size = message.payload().length;
    for (Map.Entry<String, @Nullable String> e : message.systemProperties().entrySet()) {
      if (!e.getKey().startsWith("iothub-")) {
        size += utf8Length(e.getValue());
      }
    }
    for (Map.Entry<String, @Nullable String> e : message.applicationProperties().entrySet()) {
      size += utf8Length(e.getKey()) + utf8Length(e.getValue());
    }
    return size;
  }

  static int utf8Length(@Nullable String text) {
    return text == null ? 0 : text.getBytes(StandardCharsets.UTF_8).length;
  }

  /** Parses an accepted telemetry PUBLISH at the clock's now (see {@link #parse}). */
  public TelemetryMessage.Builder parse(Identity identity, String topic, byte[] payload) {
    return parse(identity, topic, payload, clock.instant());
  }

  /** Captures an accepted message: RETAIN becomes {@code mqtt-retain=true}. */
  public void capture(Identity identity, TelemetryMessage.Builder message, boolean retain, int payloadBytes) {
    if (retain) {
      message.applicationProperty("mqtt-retain", "true");
    }
    store(identity, message.build());
    LOG.debug("hub emulator: telemetry from {} ({} bytes)", identity, payloadBytes);
  }

  /** Captures a Will as telemetry with {@code iothub-MessageType=Will}; a malformed one is dropped and logged. */
  public void captureWill(Identity identity, Will will) {
    try {
      TelemetryMessage.Builder message = parse(identity, will.topic(), will.payload());
      message.applicationProperty("iothub-MessageType", "Will");
      if (will.retain()) {
        message.applicationProperty("mqtt-retain", "true");
      }
      store(identity, message.build());
    } catch (IllegalArgumentException e) {
      LOG.warn("hub emulator: dropped the Will of {}: {}", identity, e.getMessage());
    }
  }

  private void store(Identity identity, TelemetryMessage message) {
    Deque<TelemetryMessage> deque = telemetry.computeIfAbsent(identity, k -> new ArrayDeque<>());
    synchronized (deque) {
      deque.addLast(message);
      while (deque.size() > retention) {
        deque.removeFirst();
      }
    }
    stream.onNext(message);
  }

  /** Stored telemetry of one identity, oldest first. */
  public List<TelemetryMessage> telemetry(Identity identity) {
    Deque<TelemetryMessage> deque = telemetry.get(identity);
    if (deque == null) {
      return List.of();
    }
    synchronized (deque) {
      return List.copyOf(deque);
    }
  }

  /** Forgets stored telemetry of every identity. */
  public void clear() {
    telemetry.clear();
  }

  /** The hot stream of captured telemetry (unbounded buffer per subscriber). */
  public Flowable<TelemetryMessage> stream() {
    return stream.onBackpressureBuffer();
  }
}
