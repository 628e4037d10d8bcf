// Runs scheduled jobs: waits for the start time, selects devices with the job's query condition, applies the twin
// update or invokes the method on each (up to 100 at a time), enforces the max execution time, cancels
// (docs/service-api.md §15).
package io.rxiothub.emulator.service.internal;

import com.fasterxml.jackson.databind.JsonNode;
import io.reactivex.rxjava3.core.Completable;
import io.reactivex.rxjava3.core.Flowable;
import io.reactivex.rxjava3.disposables.CompositeDisposable;
import io.rxiothub.emulator.MethodResult;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.rxiothub.emulator.internal.Identity;
import io.rxiothub.emulator.internal.ServiceRecords;
import io.rxiothub.emulator.internal.query.QueryEvaluator;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The jobs of one hub, newest last; at most {@link #MAX_JOBS}, the oldest finished ones forgotten first. With a data
 * dir they are kept in it (JobRecords) and come back when the emulator opens it: queued and scheduled jobs run at
 * their start time, a job that was running is failed (docs/service-api.md §15).
 */
final class JobRunner {

  private static final Logger LOG = LoggerFactory.getLogger(JobRunner.class);
  static final int MAX_JOBS = 1000;
  /** Devices a method job calls at the same time. */
  static final int PARALLEL = 100;

  private final TwinRoutes twins;
  private final MethodRoutes methods;
  private final Clock clock;
  private final Map<String, Job> jobs = new LinkedHashMap<>();
  private final Map<String, CompositeDisposable> work = new LinkedHashMap<>();
  private final JobRecords records;
  private final Job.JobJournal journal;
  private long nextOrder;

  JobRunner(TwinRoutes twins, MethodRoutes methods, Clock clock, ServiceRecords serviceRecords) {
    this.twins = twins;
    this.methods = methods;
    this.clock = clock;
    this.records = new JobRecords(serviceRecords);
    this.journal = records.journal();
    List<Job> loaded = records.load(clock.instant(), header -> {
      ObjectNode body = (ObjectNode) header.get("body");
      return new Job(JobSpec.parse(header.path("jobId").asText(), body), body, header.path("order").asLong(),
          Instant.parse(header.path("created").asText()), journal);
    });
    for (Job job : loaded) {
      nextOrder = Math.max(nextOrder, job.order() + 1);
      jobs.put(job.spec().jobId(), job);
      if (!job.status().finished()) {
        CompositeDisposable handle = new CompositeDisposable();
        work.put(job.spec().jobId(), handle);
        startAt(job, handle);
      }
    }
    if (!loaded.isEmpty()) {
      LOG.info("hub emulator: {} job(s) read from the data dir", loaded.size());
    }
  }

  /**
   * Accepts a job and starts it at its start time.
   *
   * @throws HubError 409 if the id is taken, 403 when 1,000 jobs are unfinished
   */
  Job schedule(JobSpec spec, ObjectNode body) {
    CompositeDisposable handle = new CompositeDisposable();
    Job job;
    synchronized (this) {
      if (jobs.containsKey(spec.jobId())) {
        throw new HubError(409, "JobAlreadyExists", 409001, "job '" + spec.jobId() + "' already exists: choose"
            + " another jobId");
      }
      makeRoom();
      job = new Job(spec, body, nextOrder, clock.instant(), journal);
      job.record(); // first: a job the data dir refuses is not accepted
      nextOrder++;
      jobs.put(spec.jobId(), job);
      work.put(spec.jobId(), handle);
    }
    startAt(job, handle);
    return job;
  }

  private void startAt(Job job, CompositeDisposable handle) {
    JobSpec spec = job.spec();
    long delay = Math.max(0, Duration.between(clock.instant(), spec.startTime()).toMillis());
    handle.add(Completable.timer(delay, TimeUnit.MILLISECONDS).subscribe(() -> run(job, handle),
        e -> LOG.warn("hub emulator: job '{}' failed to start", spec.jobId(), e)));
  }

  synchronized @Nullable Job get(String jobId) {
    return jobs.get(jobId);
  }

  synchronized List<Job> list() {
    return new ArrayList<>(jobs.values());
  }

  /** Every device-job row of every job ({@code FROM devices.jobs}). */
  List<JsonNode> deviceRows() {
    List<JsonNode> rows = new ArrayList<>();
    for (Job job : list()) {
      rows.addAll(job.deviceRows());
    }
    return rows;
  }

  /** Cancels a job; devices not yet started are cancelled, calls already sent finish. */
  void cancel(Job job) {
    if (job.cancel(clock.instant())) {
      CompositeDisposable handle;
      synchronized (this) {
        handle = work.remove(job.spec().jobId());
      }
      if (handle != null) {
        handle.dispose();
      }
    }
  }

  /** Stops every job's timers and work (the hub is stopping). */
  void stop() {
    List<CompositeDisposable> handles;
    synchronized (this) {
      handles = new ArrayList<>(work.values());
      work.clear();
    }
    handles.forEach(CompositeDisposable::dispose);
  }

  private void makeRoom() {
    if (jobs.size() < MAX_JOBS) {
      return;
    }
    Iterator<Job> it = jobs.values().iterator();
    while (it.hasNext()) {
      Job oldest = it.next();
      if (oldest.status().finished()) {
        records.remove(oldest);
        it.remove();
        return;
      }
    }
    throw new HubError(403, "JobQuotaExceeded", 403003, "the emulator already runs " + MAX_JOBS + " unfinished"
        + " jobs: cancel some or wait for them to finish");
  }

  private void run(Job job, CompositeDisposable handle) {
    List<String> deviceIds = new ArrayList<>();
    for (JsonNode twin : twins.documents(false)) {
      if (job.spec().where() == null || QueryEvaluator.matches(job.spec().where(), twin)) {
        deviceIds.add(twin.path("deviceId").asText());
      }
    }
    if (!job.start(deviceIds, clock.instant())) {
      return;
    }
    handle.add(Completable.timer(job.spec().maxExecutionSeconds(), TimeUnit.SECONDS)
        .subscribe(() -> {
          job.expire(clock.instant());
          finished(job);
        }));
    handle.add(Flowable.fromIterable(deviceIds)
        .flatMapCompletable(id -> device(job, id), false, PARALLEL)
        .subscribe(() -> finished(job), e -> LOG.warn("hub emulator: job '{}' failed", job.spec().jobId(), e)));
  }

  private void finished(Job job) {
    CompositeDisposable handle;
    synchronized (this) {
      handle = work.remove(job.spec().jobId());
    }
    if (handle != null) {
      handle.dispose();
    }
  }

  private Completable device(Job job, String deviceId) {
    return Completable.defer(() -> {
      if (!job.deviceStarted(deviceId, clock.instant())) {
        return Completable.complete();
      }
      Identity identity = new Identity(deviceId, null);
      JobSpec spec = job.spec();
      JobSpec.MethodCall call = spec.method();
      if (call == null) {
        try {
          twins.apply(identity, spec.tags(), spec.desired());
          job.deviceEnded(deviceId, null, null, null, clock.instant());
        } catch (HubError | IllegalArgumentException e) {
          job.deviceEnded(deviceId, null, "ArgumentInvalid", e.getMessage(), clock.instant());
        }
        return Completable.complete();
      }
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(call.connectTimeoutSeconds());
      return methods.attempt(identity, call.methodName(), call.payloadJson(),
              Duration.ofSeconds(call.responseTimeoutSeconds()), deadline)
          .doOnSuccess(result -> methodEnded(job, deviceId, result))
          .doOnError(e -> job.deviceEnded(deviceId, null, "DeviceNotFound", e.getMessage(), clock.instant()))
          .ignoreElement()
          .onErrorComplete();
    });
  }

  private void methodEnded(Job job, String deviceId, MethodResult result) {
    int code = MethodRoutes.hubErrorCode(result);
    if (code == 404103) {
      job.deviceEnded(deviceId, null, "DeviceNotOnline", MethodRoutes.message(result), clock.instant());
    } else if (code == 504101) {
      job.deviceEnded(deviceId, null, "GatewayTimeout", MethodRoutes.message(result), clock.instant());
    } else {
      job.deviceEnded(deviceId, MethodRoutes.responseJson(result), null, null, clock.instant());
    }
  }
}
