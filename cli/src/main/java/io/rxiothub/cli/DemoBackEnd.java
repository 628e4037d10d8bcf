// The back end of `rxiothub demo`: every service step through the emulator's IoT Hub service REST API
// (docs/service-api.md), signed with the iothubowner connection string, as a solution's back end would call it.
package io.rxiothub.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.rxiothub.emulator.HubEmulator;
import io.rxiothub.emulator.service.ServiceClient;
import io.rxiothub.emulator.service.ServiceFile;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;
import java.util.stream.Stream;

/** The REST calls of the demo's service steps; closing it closes the monitor streams it opened. */
final class DemoBackEnd implements AutoCloseable {

  private final ServiceClient service;
  private final Duration timeout;
  private final List<Stream<JsonNode>> streams = new ArrayList<>();

  DemoBackEnd(HubEmulator hub, Duration timeout) {
    this.service = new ServiceClient(new ServiceFile("https://127.0.0.1:" + hub.webSocketPort(),
        hub.serviceConnectionString(), hub.hostName(), hub.mqttPort(), hub.caFile().toAbsolutePath().toString()));
    this.timeout = timeout;
  }

  /** The REST face's address. */
  String url() {
    return service.file().url();
  }

  /** {@code PUT /devices/{id}}: the new device's identity JSON with {@code connectionString} (a secret). */
  JsonNode createDevice(String deviceId) {
    return service.createDevice(deviceId, null);
  }

  /** {@code PUT /enrollmentGroups/{id}} of the DPS service API: the stored record, its generated keys included. */
  JsonNode createEnrollmentGroup(String groupId, String recordJson) {
    return service.putEnrollment(true, groupId, recordJson);
  }

  /** {@code PATCH /twins/{id}} with a desired patch: the new desired $version. */
  long updateDesired(String deviceId, String jsonPatch) {
    return service.updateDesired(deviceId, null, jsonPatch).path("version").asLong();
  }

  /** {@code GET /twins/{id}}. */
  JsonNode twin(String deviceId) {
    return service.twin(deviceId, null);
  }

  /** {@code POST /twins/{id}/methods}: {@code {"status","payload"}}. */
  JsonNode invokeMethod(String deviceId, String method, String jsonPayload) {
    return service.invokeMethod(deviceId, null, method, jsonPayload, timeout.toSeconds());
  }

  /** The emulator's C2D route with {@code ack} positive: {@code {"messageId","state"}}. */
  JsonNode sendCloudToDevice(String deviceId, String payload, Map<String, String> properties) {
    return service.sendCloudToDevice(deviceId, payload, properties, "positive");
  }

  /** Polls the feedback route until the record of {@code messageId} arrives (completing its batch). */
  JsonNode feedback(String messageId) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      for (JsonNode record : service.takeFeedback()) {
        if (messageId.equals(record.path("originalMessageId").asText())) {
          return record;
        }
      }
      Thread.sleep(50);
    }
    throw new TimeoutException("no delivery feedback for " + messageId + " in " + timeout.toSeconds() + " s");
  }

  /** The emulator's drop route: whether the device was connected. */
  boolean dropConnection(String deviceId) {
    return service.dropConnection(deviceId, null).path("dropped").asBoolean();
  }

  /**
   * Follows the device's telemetry on the monitor stream (from the earliest kept message, so nothing sent after this
   * call is missed) until one matches; the future fails after the time-out.
   */
  CompletableFuture<JsonNode> telemetry(String deviceId, Predicate<JsonNode> which) {
    Stream<JsonNode> stream = service.monitor("earliest", deviceId);
    synchronized (streams) {
      streams.add(stream);
    }
    CompletableFuture<JsonNode> found = new CompletableFuture<>();
    Thread reader = new Thread(() -> {
      try {
        stream.filter(which).findFirst().ifPresentOrElse(found::complete,
            () -> found.completeExceptionally(new IllegalStateException("the monitor stream ended")));
      } catch (RuntimeException e) {
        found.completeExceptionally(e);
      } finally {
        stream.close();
      }
    }, "rxiothub-demo-monitor");
    reader.setDaemon(true);
    reader.start();
    return found.orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS).whenComplete((m, e) -> stream.close());
  }

  @Override
  public void close() {
    synchronized (streams) {
      streams.forEach(Stream::close);
      streams.clear();
    }
  }
}
