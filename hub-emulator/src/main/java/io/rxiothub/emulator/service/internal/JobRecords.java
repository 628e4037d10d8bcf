// Jobs in the data dir (docs/service-api.md §15, §17): one record per job (its request, status and selected
// devices) and one per device whose part ended; read back when the emulator opens.
package io.rxiothub.emulator.service.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.rxiothub.emulator.internal.ServiceRecords;
import io.rxiothub.emulator.internal.ServiceRecords.Key;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The journal of every job of one hub, over the core's {@link ServiceRecords}. Thread-safe. */
final class JobRecords implements Job.JobJournal {

  private static final Logger LOG = LoggerFactory.getLogger(JobRecords.class);

  private final ServiceRecords records;

  JobRecords(ServiceRecords records) {
    this.records = records;
  }

  /** The journal jobs write to: this, or nothing when the emulator has no data dir. */
  Job.JobJournal journal() {
    return records.durable() ? this : Job.JobJournal.NONE;
  }

  @Override
  public void header(Job job, Job.Status status, @Nullable Instant ended, @Nullable String failureReason) {
    ObjectNode header = ServiceJson.JSON.createObjectNode().put("jobId", job.spec().jobId())
        .put("order", job.order());
    header.set("body", job.body());
    header.put("created", job.created().toString()).put("status", status.wire())
        .put("ended", ended == null ? null : ended.toString()).put("failureReason", failureReason);
    ArrayNode devices = header.putArray("devices");
    job.deviceIds().forEach(devices::add);
    records.put(Key.of(ServiceRecords.JOB, job.spec().jobId()), bytes(header));
  }

  @Override
  public void device(Job job, String deviceId, Job.DeviceRun run) {
    ObjectNode node = ServiceJson.JSON.createObjectNode().put("status", run.status.wire())
        .put("started", text(run.started)).put("ended", text(run.ended)).put("updated", run.updated.toString())
        .put("errorCode", run.errorCode).put("errorDescription", run.errorDescription);
    node.set("methodResponse", run.methodResponse);
    records.put(new Key(ServiceRecords.JOB_DEVICE, job.spec().jobId(), deviceId), bytes(node));
  }

  /** Removes a forgotten job and its devices' records. */
  void remove(Job job) {
    List<Key> keys = new ArrayList<>();
    keys.add(Key.of(ServiceRecords.JOB, job.spec().jobId()));
    for (String deviceId : job.deviceIds()) {
      keys.add(new Key(ServiceRecords.JOB_DEVICE, job.spec().jobId(), deviceId));
    }
    records.remove(keys);
  }

  /**
   * The jobs read when the emulator opened, oldest first, restored by {@link Job#restore} at {@code now}; a job that
   * was running is failed and written so. A record that cannot be read is skipped with a warning.
   */
  List<Job> load(Instant now, Function<ObjectNode, Job> newJob) {
    Map<String, Map<String, Job.DeviceRun>> runs = new HashMap<>();
    for (Map.Entry<Key, byte[]> record : records.take(ServiceRecords.JOB_DEVICE)) {
      try {
        runs.computeIfAbsent(record.getKey().id(), k -> new HashMap<>())
            .put(record.getKey().subId(), run(ServiceJson.JSON.readTree(record.getValue())));
      } catch (IOException | RuntimeException e) {
        LOG.warn("hub emulator: skipped an unreadable job device record {}: {}", record.getKey(), e.getMessage());
      }
    }
    List<ObjectNode> headers = new ArrayList<>();
    for (Map.Entry<Key, byte[]> record : records.take(ServiceRecords.JOB)) {
      try {
        headers.add((ObjectNode) ServiceJson.JSON.readTree(record.getValue()));
      } catch (IOException | RuntimeException e) {
        LOG.warn("hub emulator: skipped an unreadable job record {}: {}", record.getKey(), e.getMessage());
      }
    }
    headers.sort(Comparator.comparingLong(h -> h.path("order").asLong()));
    List<Job> jobs = new ArrayList<>();
    for (ObjectNode header : headers) {
      try {
        Job job = newJob.apply(header);
        Job.Status stored = status(header.path("status").asText());
        List<String> deviceIds = new ArrayList<>();
        header.path("devices").forEach(id -> deviceIds.add(id.asText()));
        job.restore(stored, instant(header.get("ended")), text(header.get("failureReason")), deviceIds,
            runs.getOrDefault(job.spec().jobId(), Map.of()), now);
        if (stored == Job.Status.RUNNING) {
          job.record();
        }
        jobs.add(job);
      } catch (RuntimeException e) {
        LOG.warn("hub emulator: skipped an unreadable job record: {}", e.getMessage());
      }
    }
    return jobs;
  }

  private static Job.DeviceRun run(JsonNode node) {
    Job.DeviceRun run = new Job.DeviceRun(Instant.parse(node.path("updated").asText()));
    run.status = status(node.path("status").asText());
    run.started = instant(node.get("started"));
    run.ended = instant(node.get("ended"));
    JsonNode response = node.get("methodResponse");
    run.methodResponse = response == null || response.isNull() ? null : response;
    run.errorCode = text(node.get("errorCode"));
    run.errorDescription = text(node.get("errorDescription"));
    return run;
  }

  private static Job.Status status(String wire) {
    for (Job.Status status : Job.Status.values()) {
      if (status.wire().equals(wire)) {
        return status;
      }
    }
    throw new IllegalArgumentException("unknown job status '" + wire + "'");
  }

  private static @Nullable Instant instant(@Nullable JsonNode node) {
    return node == null || node.isNull() ? null : Instant.parse(node.asText());
  }

  private static @Nullable String text(@Nullable JsonNode node) {
    return node == null || node.isNull() ? null : node.asText();
  }

  private static @Nullable String text(@Nullable Instant instant) {
    return instant == null ? null : instant.toString();
  }

  private static byte[] bytes(JsonNode node) {
    try {
      return ServiceJson.JSON.writeValueAsBytes(node);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
