// The jobs routes of the service face: schedule, get, cancel, query (docs/service-api.md §15).
package io.rxiothub.emulator.service.internal;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.rxiothub.emulator.http.HttpAnswer;
import io.rxiothub.emulator.http.HttpCall;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** HTTP in and out of the job runner. */
final class JobRoutes {

  private final JobRunner jobs;

  JobRoutes(JobRunner jobs) {
    this.jobs = jobs;
  }

  HttpAnswer schedule(HttpCall call) {
    ObjectNode body = ServiceJson.object(call.body(), "the job");
    JobSpec spec = JobSpec.parse(call.path("id"), body);
    return ServiceJson.ok(jobs.schedule(spec, body).json());
  }

  HttpAnswer get(HttpCall call) {
    return ServiceJson.ok(require(call.path("id")).json());
  }

  HttpAnswer cancel(HttpCall call) {
    Job job = require(call.path("id"));
    jobs.cancel(job);
    return ServiceJson.ok(job.json());
  }

  /** {@code GET /jobs/v2/query?jobType=&jobStatus=}: the jobs, oldest first, paged like a query. */
  HttpAnswer query(HttpCall call) {
    String type = blankToNull(call.query("jobType"));
    String status = blankToNull(call.query("jobStatus"));
    if (type != null && JobSpec.Type.of(type) == null) {
      throw HubError.badRequest("jobType must be scheduleDeviceMethod or scheduleUpdateTwin, got '" + type + "'");
    }
    List<Job> matching = new ArrayList<>();
    for (Job job : jobs.list()) {
      if ((type == null || job.spec().type().wire().equals(type))
          && (status == null || job.status().wire().equals(status))) {
        matching.add(job);
      }
    }
    String text = "jobs?jobType=" + type + "&jobStatus=" + status;
    int pageSize = QueryRoutes.pageSize(call.header("x-ms-max-item-count"));
    int offset = QueryRoutes.offset(call.header("x-ms-continuation"), text);
    ArrayNode page = ServiceJson.JSON.createArrayNode();
    for (int i = offset; i < matching.size() && page.size() < pageSize; i++) {
      page.add(matching.get(i).json());
    }
    HttpAnswer.Builder answer = HttpAnswer.json(200, page.toString()).toBuilder().header("x-ms-item-type", "jobResponse");
    if (offset + page.size() < matching.size()) {
      answer.header("x-ms-continuation", QueryRoutes.token(offset + page.size(), text));
    }
    return answer.build();
  }

  private Job require(String jobId) {
    Job job = jobs.get(JobSpec.checkJobId(jobId));
    if (job == null) {
      throw new HubError(404, "JobNotFound", 404002, "job '" + jobId + "' does not exist (without a data"
          + " dir, jobs live in the emulator's memory: a restart forgets them)");
    }
    return job;
  }

  private static @Nullable String blankToNull(@Nullable String text) {
    return text == null || text.isBlank() ? null : text;
  }
}
