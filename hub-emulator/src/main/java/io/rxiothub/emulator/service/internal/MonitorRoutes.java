// GET /emulator/monitor: the telemetry the hub receives, as Server-Sent Events over the same HTTPS (the hub's own
// event endpoint is AMQP/Event Hubs, which the emulator does not speak) (docs/service-api.md §13).
package io.rxiothub.emulator.service.internal;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.reactivex.rxjava3.core.Flowable;
import io.reactivex.rxjava3.disposables.Disposable;
import io.reactivex.rxjava3.processors.UnicastProcessor;
import io.rxiothub.emulator.DeviceIdentity;
import io.rxiothub.emulator.TelemetryMessage;
import io.rxiothub.emulator.http.HttpAnswer;
import io.rxiothub.emulator.http.HttpCall;
import io.rxiothub.emulator.internal.HubCore;
import io.rxiothub.emulator.internal.Identity;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/** Each message is one {@code event: telemetry} with its identity, times, system and application properties. */
final class MonitorRoutes {

  /** A comment line this often keeps proxies and idle clients from closing the stream. */
  static final long KEEP_ALIVE_SECONDS = 15;

  private final HubCore core;

  MonitorRoutes(HubCore core) {
    this.core = core;
  }

  HttpAnswer monitor(HttpCall call) {
    String from = call.query("from") == null ? "latest" : call.query("from");
    if (!from.equals("latest") && !from.equals("earliest")) {
      throw HubError.badRequest("from must be 'latest' (messages from now on) or 'earliest' (the stored ones"
          + " first), got '" + from + "'");
    }
    String device = call.query("deviceId");
    // Live messages are buffered from before the stored ones are read, so none falls between the two; one the
    // store already gave is not sent twice.
    UnicastProcessor<TelemetryMessage> buffer = UnicastProcessor.create();
    Disposable feed = core.telemetryStream().subscribe(buffer::onNext, buffer::onError, buffer::onComplete);
    Flowable<TelemetryMessage> live = buffer.doFinally(feed::dispose);
    Flowable<TelemetryMessage> messages = live;
    if (from.equals("earliest")) {
      List<TelemetryMessage> stored = stored(device);
      Set<TelemetryMessage> sent = new HashSet<>(stored);
      messages = Flowable.fromIterable(stored).concatWith(live.filter(m -> !sent.contains(m)));
    }
    Flowable<byte[]> events = messages
        .filter(m -> device == null || m.deviceId().equals(device))
        .map(MonitorRoutes::event)
        .mergeWith(Flowable.interval(KEEP_ALIVE_SECONDS, TimeUnit.SECONDS).map(t -> bytes(": keep-alive\n\n")));
    return HttpAnswer.builder().status(200)
        .header("Content-Type", "text/event-stream; charset=utf-8")
        .header("Cache-Control", "no-cache")
        .body(bytes(": rxiothub hub emulator monitor, from " + from + "\n\n"))
        .stream(events)
        .build();
  }

  private List<TelemetryMessage> stored(@Nullable String device) {
    List<TelemetryMessage> out = new ArrayList<>();
    for (DeviceIdentity identity : core.registry().list()) {
      if (device == null || identity.deviceId().equals(device)) {
        out.addAll(core.telemetry(new Identity(identity.deviceId(), identity.moduleId())));
      }
    }
    out.sort(Comparator.comparing(TelemetryMessage::enqueuedTime));
    return out;
  }

  static byte[] event(TelemetryMessage message) {
    ObjectNode json = ServiceJson.JSON.createObjectNode().put("deviceId", message.deviceId());
    if (message.moduleId() != null) {
      json.put("moduleId", message.moduleId());
    }
    json.put("enqueuedTime", message.enqueuedTime().toString());
    ObjectNode system = json.putObject("systemProperties");
    for (Map.Entry<String, @Nullable String> e : message.systemProperties().entrySet()) {
      system.put(e.getKey(), e.getValue());
    }
    ObjectNode application = json.putObject("applicationProperties");
    for (Map.Entry<String, @Nullable String> e : message.applicationProperties().entrySet()) {
      application.put(e.getKey(), e.getValue());
    }
    byte[] payload = message.payload();
    try {
      json.put("payload", StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(payload)).toString());
    } catch (CharacterCodingException e) {
      json.put("payload", Base64.getEncoder().encodeToString(payload)).put("payloadEncoding", "base64");
    }
    return bytes("event: telemetry\ndata: " + json + "\n\n");
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
