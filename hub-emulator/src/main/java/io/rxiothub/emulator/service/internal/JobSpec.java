// What a job asks for, read and checked from the body of PUT /jobs/v2/{jobId} (docs/service-api.md §15).
package io.rxiothub.emulator.service.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.rxiothub.emulator.internal.query.Query;
import io.rxiothub.emulator.internal.query.QueryParser;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * A checked job request. {@code where} is the parsed query condition (null: every device); for a method job
 * {@code method} holds the call (methodName, timeouts, payload), for a twin job {@code tags} and {@code desired}
 * the patches (either may be null). {@code request} is the part echoed in answers ({@code cloudToDeviceMethod} or
 * {@code updateTwin}).
 */
record JobSpec(String jobId, Type type, String queryCondition, Query.@Nullable Expr where, Instant startTime,
    long maxExecutionSeconds, ObjectNode request, @Nullable MethodCall method, @Nullable ObjectNode tags,
    @Nullable ObjectNode desired) {

  /** When {@code maxExecutionTimeInSeconds} is 0 or absent. */
  static final long DEFAULT_MAX_EXECUTION_SECONDS = 3600;
  private static final Pattern JOB_ID = Pattern.compile("[A-Za-z0-9\\-_.:]{1,128}");

  /** The two job types the SDKs schedule. */
  enum Type {
    SCHEDULE_DEVICE_METHOD("scheduleDeviceMethod"),
    SCHEDULE_UPDATE_TWIN("scheduleUpdateTwin");

    private final String wire;

    Type(String wire) {
      this.wire = wire;
    }

    String wire() {
      return wire;
    }

    static @Nullable Type of(String wire) {
      for (Type type : values()) {
        if (type.wire.equals(wire)) {
          return type;
        }
      }
      return null;
    }
  }

  /** A direct method call of a job. */
  record MethodCall(String methodName, int responseTimeoutSeconds, int connectTimeoutSeconds,
      @Nullable String payloadJson) {}

  /** Checks a jobId from the path. */
  static String checkJobId(String jobId) {
    if (!JOB_ID.matcher(jobId).matches()) {
      throw HubError.badRequest("jobId '" + jobId + "' must be 1..128 characters of letters, digits and - _ . :");
    }
    return jobId;
  }

  /**
   * Reads a job request.
   *
   * @throws HubError 400 naming the field and the rule it breaks
   */
  static JobSpec parse(String pathJobId, ObjectNode body) {
    String jobId = checkJobId(pathJobId);
    JsonNode bodyId = body.get("jobId");
    if (bodyId != null && !bodyId.isNull() && !bodyId.asText().equals(jobId)) {
      throw HubError.badRequest("jobId '" + bodyId.asText() + "' in the body differs from '" + jobId
          + "' in the path");
    }
    String typeText = body.path("type").asText("");
    Type type = Type.of(typeText);
    if (type == null) {
      throw HubError.badRequest("type must be 'scheduleDeviceMethod' or 'scheduleUpdateTwin', got '" + typeText
          + "' (import/export jobs are not served by the emulator)");
    }
    String condition = body.path("queryCondition").asText("").trim();
    Query.Expr where = condition.isEmpty() ? null : condition(condition);
    Instant start = startTime(body.get("startTime"));
    long max = maxExecution(body.get("maxExecutionTimeInSeconds"));
    if (type == Type.SCHEDULE_DEVICE_METHOD) {
      JsonNode method = body.get("cloudToDeviceMethod");
      if (method == null || !method.isObject()) {
        throw HubError.badRequest("cloudToDeviceMethod is missing: a scheduleDeviceMethod job sends"
            + " {\"methodName\":…,\"responseTimeoutInSeconds\":…,\"payload\":…}");
      }
      return new JobSpec(jobId, type, condition, where, start, max, (ObjectNode) method,
          methodCall((ObjectNode) method), null, null);
    }
    JsonNode twin = body.get("updateTwin");
    if (twin == null || !twin.isObject()) {
      throw HubError.badRequest("updateTwin is missing: a scheduleUpdateTwin job sends {\"tags\":{…},"
          + "\"properties\":{\"desired\":{…}}}");
    }
    JsonNode reported = twin.path("properties").path("reported");
    // The Java SDK sends an empty reported section with every twin job: only content is refused.
    if (!reported.isMissingNode() && !reported.isNull() && !(reported.isObject() && reported.isEmpty())) {
      throw HubError.badRequest("updateTwin.properties.reported cannot be changed by the service: only the device"
          + " reports");
    }
    ObjectNode tags = object(twin.get("tags"), "updateTwin.tags");
    ObjectNode desired = object(twin.path("properties").get("desired"), "updateTwin.properties.desired");
    if ((tags == null || tags.isEmpty()) && (desired == null || desired.isEmpty())) {
      throw HubError.badRequest("updateTwin changes nothing: give tags or properties.desired");
    }
    return new JobSpec(jobId, type, condition, where, start, max, (ObjectNode) twin, null, tags, desired);
  }

  private static Query.Expr condition(String condition) {
    String query = "SELECT * FROM devices WHERE " + condition;
    try {
      Query.Expr where = QueryParser.parse(query).where();
      if (where == null) {
        throw new IllegalArgumentException("no condition");
      }
      return where;
    } catch (IllegalArgumentException e) {
      throw HubError.badRequest("queryCondition is not a query condition (read as '" + query + "'): "
          + e.getMessage());
    }
  }

  private static Instant startTime(@Nullable JsonNode node) {
    if (node == null || !node.isTextual()) {
      throw HubError.badRequest("startTime is missing: send an ISO-8601 UTC time such as 2026-12-03T06:00:00.000Z");
    }
    try {
      return Instant.parse(node.textValue());
    } catch (DateTimeParseException e) {
      throw HubError.badRequest("startTime '" + node.textValue() + "' is not an ISO-8601 UTC time such as"
          + " 2026-12-03T06:00:00.000Z");
    }
  }

  private static long maxExecution(@Nullable JsonNode node) {
    if (node == null || node.isNull()) {
      return DEFAULT_MAX_EXECUTION_SECONDS;
    }
    if (!node.isIntegralNumber() || node.longValue() < 0) {
      throw HubError.badRequest("maxExecutionTimeInSeconds must be an integer ≥ 0, got " + node);
    }
    return node.longValue() == 0 ? DEFAULT_MAX_EXECUTION_SECONDS : node.longValue();
  }

  private static MethodCall methodCall(ObjectNode method) {
    JsonNode name = method.get("methodName");
    if (name == null || !name.isTextual() || name.asText().isEmpty()) {
      throw HubError.badRequest("cloudToDeviceMethod.methodName is missing");
    }
    String methodName = name.asText();
    if (methodName.contains("/") || methodName.contains("+") || methodName.contains("#")
        || methodName.startsWith("$")) {
      throw HubError.badRequest("cloudToDeviceMethod.methodName '" + methodName + "' must not contain '/', '+',"
          + " '#' or start with '$'");
    }
    JsonNode payload = method.get("payload");
    return new MethodCall(methodName, MethodRoutes.seconds(method, "responseTimeoutInSeconds", 30, 5),
        MethodRoutes.seconds(method, "connectTimeoutInSeconds", 0, 0),
        payload == null ? null : payload.toString());
  }

  private static @Nullable ObjectNode object(@Nullable JsonNode node, String what) {
    if (node == null || node.isNull()) {
      return null;
    }
    if (!node.isObject()) {
      throw HubError.badRequest(what + " must be a JSON object");
    }
    return (ObjectNode) node;
  }
}
