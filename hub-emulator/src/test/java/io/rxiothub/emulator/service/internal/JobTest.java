// The job state machine without I/O: statuses, statistics, cancel and expiry (docs/service-api.md §15).
package io.rxiothub.emulator.service.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JobTest {

  private static final Instant T0 = Instant.parse("2026-12-03T06:00:00Z");

  private static ObjectNode twinBody(Instant start) {
    return (ObjectNode) ServiceJson.JSON.createObjectNode().put("type", "scheduleUpdateTwin")
        .put("startTime", start.toString()).put("queryCondition", "tags.a = 1")
        .set("updateTwin", ServiceJson.JSON.createObjectNode().set("tags",
            ServiceJson.JSON.createObjectNode().put("b", 2)));
  }

  private static Job job(Instant start, Instant created) {
    return job(start, created, Job.JobJournal.NONE);
  }

  private static Job job(Instant start, Instant created, Job.JobJournal journal) {
    ObjectNode body = twinBody(start);
    return new Job(JobSpec.parse("job-1", body), body, 0, created, journal);
  }

  /** Records what a job writes; refuses every write while {@code refuse} is set. */
  private static final class Journal implements Job.JobJournal {
    final List<String> writes = new ArrayList<>();
    boolean refuse;

    @Override
    public void header(Job job, Job.Status status, Instant ended, String failureReason) {
      check();
      writes.add("job " + status.wire());
    }

    @Override
    public void device(Job job, String deviceId, Job.DeviceRun run) {
      check();
      writes.add(deviceId + " " + run.status.wire());
    }

    private void check() {
      if (refuse) {
        throw new IllegalStateException("refused");
      }
    }
  }

  @Test
  void everyChangeIsJournaledBeforeItIsMadeAndARefusedOneChangesNothing() {
    Journal journal = new Journal();
    Job job = job(T0, T0, journal);
    job.record();
    job.start(List.of("a", "b"), T0);
    job.deviceStarted("a", T0);
    job.deviceEnded("a", null, null, null, T0.plusSeconds(1));
    assertThat(journal.writes).containsExactly("job queued", "job running", "a completed");

    journal.refuse = true;
    job.deviceStarted("b", T0);
    assertThatThrownBy(() -> job.deviceEnded("b", null, null, null, T0.plusSeconds(2)))
        .hasMessageContaining("refused");
    assertThat(job.deviceRows().get(1).path("status").asText()).as("b after a refused write").isEqualTo("running");
    assertThatThrownBy(() -> job.cancel(T0.plusSeconds(2))).hasMessageContaining("refused");
    assertThat(job.status()).as("after a refused cancel").isEqualTo(Job.Status.RUNNING);

    journal.refuse = false;
    job.deviceEnded("b", null, null, null, T0.plusSeconds(3));
    assertThat(journal.writes).endsWith("b completed", "job completed");
    assertThat(job.status()).isEqualTo(Job.Status.COMPLETED);
  }

  @Test
  void aJobRunningWhenTheEmulatorStoppedFailsOnRestoreAndKeepsWhatEnded() {
    Job.DeviceRun done = new Job.DeviceRun(T0.plusSeconds(1));
    done.status = Job.Status.COMPLETED;
    done.ended = T0.plusSeconds(1);
    Job job = job(T0, T0);
    job.restore(Job.Status.RUNNING, null, null, List.of("a", "b"), Map.of("a", done), T0.plusSeconds(10));
    assertThat(job.status()).isEqualTo(Job.Status.FAILED);
    JsonNode json = job.json();
    assertThat(json.path("failureReason").asText()).contains("emulator stopped");
    assertThat(json.path("endTime").asText()).isEqualTo("2026-12-03T06:00:10.000Z");
    assertThat(json.path("deviceJobStatistics").path("succeededCount").asInt()).isEqualTo(1);
    assertThat(json.path("deviceJobStatistics").path("failedCount").asInt()).isEqualTo(1);
    assertThat(job.deviceRows().get(1).path("error").path("code").asText()).isEqualTo("EmulatorRestarted");

    Job cancelled = job(T0, T0);
    cancelled.restore(Job.Status.CANCELLED, T0.plusSeconds(5), null, List.of("a"), Map.of(), T0.plusSeconds(10));
    assertThat(cancelled.status()).isEqualTo(Job.Status.CANCELLED);
    assertThat(cancelled.json().path("endTime").asText()).isEqualTo("2026-12-03T06:00:05.000Z");
    assertThat(cancelled.deviceRows().get(0).path("status").asText()).isEqualTo("cancelled");

    Job scheduled = job(T0.plusSeconds(60), T0);
    scheduled.restore(Job.Status.SCHEDULED, null, null, List.of(), Map.of(), T0.plusSeconds(10));
    assertThat(scheduled.status()).isEqualTo(Job.Status.SCHEDULED);
    assertThat(scheduled.start(List.of("a"), T0.plusSeconds(60))).isTrue();
  }

  @Test
  void aJobRunsThroughItsDevicesAndCountsThem() {
    Job job = job(T0, T0);
    assertThat(job.status()).isEqualTo(Job.Status.QUEUED);

    job.start(List.of("a", "b", "c"), T0);
    assertThat(job.deviceStarted("a", T0)).isTrue();
    assertThat(job.deviceStarted("a", T0)).isFalse();
    job.deviceEnded("a", null, null, null, T0.plusSeconds(1));
    job.deviceStarted("b", T0);
    job.deviceEnded("b", null, "DeviceNotOnline", "offline", T0.plusSeconds(2));
    JsonNode stats = job.json().path("deviceJobStatistics");
    assertThat(stats.path("succeededCount").asInt()).isEqualTo(1);
    assertThat(stats.path("failedCount").asInt()).isEqualTo(1);
    assertThat(stats.path("pendingCount").asInt()).isEqualTo(1);
    assertThat(job.status()).isEqualTo(Job.Status.RUNNING);

    job.deviceStarted("c", T0);
    job.deviceEnded("c", null, null, null, T0.plusSeconds(3));
    assertThat(job.status()).isEqualTo(Job.Status.COMPLETED);
    JsonNode json = job.json();
    assertThat(json.path("endTime").asText()).isEqualTo("2026-12-03T06:00:03.000Z");
    assertThat(json.path("type").asText()).isEqualTo("scheduleUpdateTwin");
    assertThat(json.path("updateTwin").path("tags").path("b").asInt()).isEqualTo(2);
    List<JsonNode> rows = job.deviceRows();
    assertThat(rows).hasSize(3);
    assertThat(rows.get(1).path("error").path("code").asText()).isEqualTo("DeviceNotOnline");
    assertThat(rows.get(1).path("status").asText()).isEqualTo("failed");
    assertThat(rows.get(0).has("type")).isFalse();
  }

  @Test
  void aFutureJobIsScheduledAndCancelStopsDevicesNotStarted() {
    Job job = job(T0.plusSeconds(60), T0);
    assertThat(job.status()).isEqualTo(Job.Status.SCHEDULED);
    assertThat(job.cancel(T0)).isTrue();
    assertThat(job.start(List.of("a"), T0.plusSeconds(60))).isFalse();
    assertThat(job.status()).isEqualTo(Job.Status.CANCELLED);
    assertThat(job.cancel(T0)).isFalse();

    Job running = job(T0, T0);
    running.start(List.of("a", "b"), T0);
    running.deviceStarted("a", T0);
    running.cancel(T0.plusSeconds(1));
    assertThat(running.deviceStarted("b", T0)).isFalse();
    assertThat(running.deviceRows().get(1).path("status").asText()).isEqualTo("cancelled");
  }

  @Test
  void expiryFailsWhatIsNotDoneButNotAFinishedJob() {
    Job job = job(T0, T0);
    job.start(List.of("a", "b"), T0);
    job.deviceStarted("a", T0);
    job.deviceEnded("a", null, null, null, T0);
    job.expire(T0.plusSeconds(3600));
    assertThat(job.status()).isEqualTo(Job.Status.FAILED);
    assertThat(job.json().path("failureReason").asText()).contains("maxExecutionTimeInSeconds (3600 s)");
    assertThat(job.deviceRows().get(0).path("status").asText()).isEqualTo("completed");
    assertThat(job.deviceRows().get(1).path("error").path("code").asText()).isEqualTo("JobTimedOut");

    Job empty = job(T0, T0);
    empty.start(List.of(), T0);
    assertThat(empty.status()).isEqualTo(Job.Status.COMPLETED);
    empty.expire(T0.plusSeconds(3600));
    assertThat(empty.status()).isEqualTo(Job.Status.COMPLETED);
  }

  @Test
  void specsNameTheFieldTheyRefuse() {
    ObjectNode body = ServiceJson.JSON.createObjectNode().put("type", "scheduleDeviceMethod")
        .put("startTime", T0.toString());
    assertThatThrownBy(() -> JobSpec.parse("j", body)).hasMessageContaining("cloudToDeviceMethod is missing");
    body.putObject("cloudToDeviceMethod").put("methodName", "m").put("responseTimeoutInSeconds", 1);
    assertThatThrownBy(() -> JobSpec.parse("j", body)).hasMessageContaining("responseTimeoutInSeconds");
    body.put("maxExecutionTimeInSeconds", -1);
    assertThatThrownBy(() -> JobSpec.parse("j", body)).hasMessageContaining("maxExecutionTimeInSeconds");
    body.put("jobId", "other");
    assertThatThrownBy(() -> JobSpec.parse("j", body)).hasMessageContaining("differs");
    assertThatThrownBy(() -> JobSpec.checkJobId("a/b")).hasMessageContaining("jobId 'a/b'");
  }
}
