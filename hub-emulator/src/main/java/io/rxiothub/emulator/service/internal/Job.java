// One scheduled job and its device-level records: status transitions, statistics and their JSON
// (docs/service-api.md §15). No I/O: the runner (JobRunner) tells it what happened, with the time, and each change
// goes to a JobJournal (the data dir, JobRecords) before it is made in memory.
package io.rxiothub.emulator.service.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Thread-safe: every method holds the job's lock. Each change is first written to the {@link JobJournal}: one that
 * the journal refuses throws and leaves the job as it was.
 */
final class Job {

  /** Where a job's changes are written before they are made (JobRecords: the data dir; or nowhere). */
  interface JobJournal {
    /** Nothing is kept (an emulator without a data dir). */
    JobJournal NONE = new JobJournal() {
      @Override
      public void header(Job job, Status status, @Nullable Instant ended, @Nullable String failureReason) {}

      @Override
      public void device(Job job, String deviceId, DeviceRun run) {}
    };

    /** The job's status is about to become {@code status} (its device list is {@link #deviceIds}). */
    void header(Job job, Status status, @Nullable Instant ended, @Nullable String failureReason);

    /** One device's part is about to end as {@code run}. */
    void device(Job job, String deviceId, DeviceRun run);
  }

  /** The failure reason of a job that was running when the emulator stopped. */
  static final String STOPPED = "the emulator stopped while the job was running";
  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'", Locale.ROOT).withZone(ZoneOffset.UTC);

  /** Job and device-job statuses, as the SDKs' {@code ScheduledJobStatus} names them. */
  enum Status {
    QUEUED("queued"), SCHEDULED("scheduled"), RUNNING("running"), COMPLETED("completed"), FAILED("failed"),
    CANCELLED("cancelled");

    private final String wire;

    Status(String wire) {
      this.wire = wire;
    }

    String wire() {
      return wire;
    }

    boolean finished() {
      return this == COMPLETED || this == FAILED || this == CANCELLED;
    }
  }

  /** One device's part of the job. */
  static final class DeviceRun {
    Status status = Status.SCHEDULED;
    @Nullable Instant started;
    @Nullable Instant ended;
    Instant updated;
    @Nullable JsonNode methodResponse;
    @Nullable String errorCode;
    @Nullable String errorDescription;

    DeviceRun(Instant now) {
      this.updated = now;
    }
  }

  private final JobSpec spec;
  private final ObjectNode body;
  private final long order;
  private final Instant created;
  private final JobJournal journal;
  private Status status;
  private @Nullable Instant ended;
  private @Nullable String failureReason;
  private @Nullable String statusMessage;
  private final Map<String, DeviceRun> devices = new LinkedHashMap<>();

  /** A new job; {@code body} is the request it was read from, {@code order} its place among the hub's jobs. */
  Job(JobSpec spec, ObjectNode body, long order, Instant created, JobJournal journal) {
    this.spec = spec;
    this.body = body;
    this.order = order;
    this.created = created;
    this.journal = journal;
    this.status = spec.startTime().isAfter(created) ? Status.SCHEDULED : Status.QUEUED;
  }

  JobSpec spec() {
    return spec;
  }

  ObjectNode body() {
    return body;
  }

  long order() {
    return order;
  }

  Instant created() {
    return created;
  }

  /** Writes the job as it is now to its journal (a new job, before it is accepted). */
  synchronized void record() {
    journal.header(this, status, ended, failureReason);
  }

  /** The selected devices, in order (empty before the job starts). */
  synchronized List<String> deviceIds() {
    return new ArrayList<>(devices.keySet());
  }

  /**
   * Brings back a job read from the data dir: its status, end, failure reason and the devices' parts that ended
   * ({@code runs}; the others were pending or running). A job that was running when the emulator stopped fails now
   * (its unfinished devices with {@code EmulatorRestarted}); a finished one keeps its end, devices without a record
   * taking the job's end (cancelled, or timed out). Queued and scheduled jobs stay so (the runner starts them).
   */
  synchronized void restore(Status stored, @Nullable Instant storedEnd, @Nullable String reason,
      List<String> deviceIds, Map<String, DeviceRun> runs, Instant now) {
    for (String id : deviceIds) {
      DeviceRun run = runs.get(id);
      devices.put(id, run != null ? run : new DeviceRun(storedEnd != null ? storedEnd : now));
    }
    if (!stored.finished() && stored != Status.RUNNING) {
      status = stored;
      return;
    }
    Instant end = stored == Status.RUNNING || storedEnd == null ? now : storedEnd;
    String ending = stored == Status.RUNNING ? STOPPED : reason;
    boolean restarted = stored == Status.RUNNING || STOPPED.equals(reason);
    for (DeviceRun run : devices.values()) {
      if (!run.status.finished()) {
        run.status = stored == Status.CANCELLED ? Status.CANCELLED : Status.FAILED;
        if (run.status == Status.FAILED) {
          run.errorCode = restarted ? "EmulatorRestarted" : "JobTimedOut";
          run.errorDescription = ending;
        }
        run.ended = end;
        run.updated = end;
      }
    }
    finish(stored == Status.RUNNING ? Status.FAILED : stored, ending, end);
  }

  synchronized Status status() {
    return status;
  }

  /** The job starts over the selected devices; false when it was cancelled before. */
  synchronized boolean start(List<String> deviceIds, Instant now) {
    if (status.finished()) {
      return false;
    }
    for (String id : deviceIds) {
      devices.put(id, new DeviceRun(now));
    }
    try {
      journal.header(this, deviceIds.isEmpty() ? Status.COMPLETED : Status.RUNNING, deviceIds.isEmpty() ? now : null,
          null);
    } catch (RuntimeException e) {
      devices.clear();
      throw e;
    }
    status = Status.RUNNING;
    if (deviceIds.isEmpty()) {
      finish(Status.COMPLETED, null, now);
    }
    return true;
  }

  /** A device's operation begins; false when the job is over (cancelled or timed out). */
  synchronized boolean deviceStarted(String deviceId, Instant now) {
    DeviceRun run = devices.get(deviceId);
    if (run == null || status.finished() || run.status != Status.SCHEDULED) {
      return false;
    }
    run.status = Status.RUNNING;
    run.started = now;
    run.updated = now;
    return true;
  }

  /** A device's operation ended: {@code errorCode} null is success ({@code methodResponse} its answer). */
  synchronized void deviceEnded(String deviceId, @Nullable JsonNode methodResponse, @Nullable String errorCode,
      @Nullable String errorDescription, Instant now) {
    DeviceRun current = devices.get(deviceId);
    if (current == null || current.status.finished()) {
      return;
    }
    DeviceRun run = new DeviceRun(now);
    run.status = errorCode == null ? Status.COMPLETED : Status.FAILED;
    run.started = current.started;
    run.methodResponse = methodResponse;
    run.errorCode = errorCode;
    run.errorDescription = errorDescription;
    run.ended = now;
    journal.device(this, deviceId, run);
    devices.put(deviceId, run);
    if (status == Status.RUNNING && allFinished()) {
      journal.header(this, Status.COMPLETED, now, null);
      finish(Status.COMPLETED, null, now);
    }
  }

  /** Cancels the job: devices not started are cancelled; false when it had already finished. */
  synchronized boolean cancel(Instant now) {
    if (status.finished()) {
      return false;
    }
    journal.header(this, Status.CANCELLED, now, null);
    for (DeviceRun run : devices.values()) {
      if (run.status == Status.SCHEDULED) {
        run.status = Status.CANCELLED;
        run.ended = now;
        run.updated = now;
      }
    }
    finish(Status.CANCELLED, null, now);
    return true;
  }

  /** The max execution time passed: devices not done fail, and so does the job (unless already finished). */
  synchronized void expire(Instant now) {
    if (status.finished()) {
      return;
    }
    String reason = "the job did not finish within maxExecutionTimeInSeconds (" + spec.maxExecutionSeconds()
        + " s)";
    journal.header(this, Status.FAILED, now, reason);
    for (DeviceRun run : devices.values()) {
      if (!run.status.finished()) {
        run.status = Status.FAILED;
        run.errorCode = "JobTimedOut";
        run.errorDescription = reason;
        run.ended = now;
        run.updated = now;
      }
    }
    finish(Status.FAILED, reason, now);
  }

  private boolean allFinished() {
    for (DeviceRun run : devices.values()) {
      if (!run.status.finished()) {
        return false;
      }
    }
    return true;
  }

  private void finish(Status end, @Nullable String reason, Instant now) {
    status = end;
    ended = now;
    failureReason = reason;
    int failed = count(Status.FAILED);
    statusMessage = devices.size() + " device(s): " + count(Status.COMPLETED) + " succeeded, " + failed
        + " failed" + (end == Status.CANCELLED ? ", " + count(Status.CANCELLED) + " cancelled" : "");
  }

  private int count(Status wanted) {
    int n = 0;
    for (DeviceRun run : devices.values()) {
      n += run.status == wanted ? 1 : 0;
    }
    return n;
  }

  /** The job JSON the SDKs parse ({@code JobsResponseParser}). */
  synchronized ObjectNode json() {
    ObjectNode out = ServiceJson.JSON.createObjectNode().put("jobId", spec.jobId()).put("type", spec.type().wire())
        .put("status", status.wire()).put("queryCondition", spec.queryCondition())
        .put("createdTime", time(created)).put("startTime", time(spec.startTime()));
    if (ended != null) {
      out.put("endTime", time(ended));
    }
    out.put("maxExecutionTimeInSeconds", spec.maxExecutionSeconds());
    out.set(spec.type() == JobSpec.Type.SCHEDULE_DEVICE_METHOD ? "cloudToDeviceMethod" : "updateTwin",
        spec.request());
    if (failureReason != null) {
      out.put("failureReason", failureReason);
    }
    if (statusMessage != null) {
      out.put("statusMessage", statusMessage);
    }
    int pending = count(Status.SCHEDULED);
    out.putObject("deviceJobStatistics").put("deviceCount", devices.size()).put("failedCount", count(Status.FAILED))
        .put("succeededCount", count(Status.COMPLETED)).put("runningCount", count(Status.RUNNING))
        .put("pendingCount", pending);
    return out;
  }

  /** One {@code devices.jobs} row per device. */
  synchronized List<JsonNode> deviceRows() {
    List<JsonNode> rows = new ArrayList<>();
    for (Map.Entry<String, DeviceRun> entry : devices.entrySet()) {
      DeviceRun run = entry.getValue();
      ObjectNode row = ServiceJson.JSON.createObjectNode().put("deviceId", entry.getKey())
          .put("jobId", spec.jobId()).put("jobType", spec.type().wire()).put("status", run.status.wire())
          .put("createdDateTimeUtc", time(created))
          .put("startTimeUtc", time(run.started == null ? spec.startTime() : run.started));
      if (run.ended != null) {
        row.put("endTimeUtc", time(run.ended));
      }
      row.put("lastUpdatedDateTimeUtc", time(run.updated));
      ObjectNode outcome = row.putObject("outcome");
      if (run.methodResponse != null) {
        outcome.set("deviceMethodResponse", run.methodResponse);
        // The Java SDK 2.x reads a row's method outcome from cloudToDeviceMethod (service-api.md §15).
        row.set("cloudToDeviceMethod", run.methodResponse);
      } else {
        outcome.putNull("deviceMethodResponse");
      }
      if (run.errorCode != null) {
        row.putObject("error").put("code", run.errorCode).put("description", run.errorDescription);
      }
      rows.add(row);
    }
    return rows;
  }

  /** ISO-8601 UTC with milliseconds, as the SDKs parse it. */
  static String time(Instant instant) {
    return TIME.format(instant);
  }
}
