// The register-then-poll state machine of one DPS registration (protocol.md §15.3): events in, one effect out, time
// passed in. No I/O, no clock, no thread; the driver owns the connection and the timer.
package io.rxiothub.provisioning;

import org.jspecify.annotations.Nullable;

/**
 * One registration, from the first CONNECT to an assignment, a failure or the time-out. Not thread-safe: drive it
 * from one thread (or under one lock). Each event returns the one thing to do next; once it returned
 * {@link FlowStep.Kind#DONE} or {@link FlowStep.Kind#FAILED} every later event returns {@code NONE}.
 *
 * <p>Rules: register once connected; a 202 (or a 200 still {@code assigning}) → poll with the operation id after
 * {@code retry-after} (default 2 s, clamped to 0.1..60 s); 429 and 5xx → the same request again after
 * {@code retry-after}; other 4xx → fail; {@code assigned} → done; {@code failed}/{@code disabled} → fail. A response
 * whose {@code $rid} is not the outstanding request's is ignored. A lost connection forgets the outstanding request:
 * after the next {@code connected} the flow polls again (or registers again if no operation id is known yet). A wait
 * that would end at or after the deadline fails at once (throttled or time-out), so nothing waits in vain.
 */
public final class RegistrationFlow {

  /** The wait when a response carries no {@code retry-after}: 2 s, as the Java and Node SDKs. */
  public static final long DEFAULT_RETRY_AFTER_MILLIS = 2_000;
  /** The shortest wait honoured. */
  public static final long MIN_RETRY_AFTER_MILLIS = 100;
  /** The longest wait honoured. */
  public static final long MAX_RETRY_AFTER_MILLIS = 60_000;

  private enum Phase { DISCONNECTED, AWAITING_RESPONSE, WAITING, ENDED }

  private final RegistrationRequest request;
  private final long deadlineMillis;
  private final long firstRequestId;
  private long nextRequestId;
  private Phase phase = Phase.DISCONNECTED;
  private boolean connected;
  private @Nullable String outstandingRequestId;
  private @Nullable String operationId;
  private long waitUntilMillis;
  private boolean lastWasTransient;
  private int lastTransientStatus;

  private RegistrationFlow(RegistrationRequest request, long deadlineMillis, long firstRequestId) {
    this.request = request;
    this.deadlineMillis = deadlineMillis;
    this.firstRequestId = firstRequestId;
    this.nextRequestId = firstRequestId;
  }

  /**
   * Starts a registration at {@code nowMillis} that must end within {@code timeoutMillis}.
   *
   * @param firstRequestId the first {@code $rid} (then counting up); any value, e.g. 1
   * @throws IllegalArgumentException if the request is null or the time-out is not positive
   */
  public static RegistrationFlow start(RegistrationRequest request, long nowMillis, long timeoutMillis,
      long firstRequestId) {
    if (request == null) {
      throw new IllegalArgumentException("request must not be null");
    }
    if (timeoutMillis <= 0) {
      throw new IllegalArgumentException("timeoutMillis must be positive, was " + timeoutMillis);
    }
    long deadline = nowMillis + timeoutMillis < nowMillis ? Long.MAX_VALUE : nowMillis + timeoutMillis;
    return new RegistrationFlow(request, deadline, firstRequestId);
  }

  /** When the registration times out; the driver calls {@link #timer} then at the latest. */
  public long deadlineMillis() {
    return deadlineMillis;
  }

  /** The operation id DPS gave, or null before the first accepted register. */
  public @Nullable String operationId() {
    return operationId;
  }

  /** Whether the flow has ended (done or failed). */
  public boolean isEnded() {
    return phase == Phase.ENDED;
  }

  /** The connection is up and subscribed to {@link DpsTopics#RESPONSE_FILTER}. */
  public FlowStep connected(long nowMillis) {
    if (phase == Phase.ENDED) {
      return FlowStep.NONE;
    }
    connected = true;
    if (nowMillis >= deadlineMillis) {
      return timeOut();
    }
    if (phase == Phase.WAITING && nowMillis < waitUntilMillis) {
      return FlowStep.waitUntil(waitUntilMillis);
    }
    if (phase == Phase.AWAITING_RESPONSE) {
      return FlowStep.NONE;
    }
    return send();
  }

  /** The connection was lost (or could not be opened); the driver reconnects and calls {@link #connected}. */
  public FlowStep connectionLost(long nowMillis) {
    if (phase == Phase.ENDED) {
      return FlowStep.NONE;
    }
    connected = false;
    outstandingRequestId = null;
    if (nowMillis >= deadlineMillis) {
      return timeOut();
    }
    if (phase == Phase.AWAITING_RESPONSE) {
      phase = Phase.DISCONNECTED;
    }
    return FlowStep.NONE;
  }

  /** A timer the flow asked for (or the deadline) fired. */
  public FlowStep timer(long nowMillis) {
    if (phase == Phase.ENDED) {
      return FlowStep.NONE;
    }
    if (nowMillis >= deadlineMillis) {
      return timeOut();
    }
    if (phase != Phase.WAITING || nowMillis < waitUntilMillis) {
      return FlowStep.NONE;
    }
    if (!connected) {
      phase = Phase.DISCONNECTED;
      return FlowStep.NONE;
    }
    return send();
  }

  /** A PUBLISH arrived on the response filter. */
  public FlowStep response(String topic, byte[] body, long nowMillis) {
    if (phase != Phase.AWAITING_RESPONSE || topic == null || body == null) {
      return FlowStep.NONE;
    }
    DpsResponseTopic parsed;
    try {
      parsed = DpsResponseTopic.parse(topic);
    } catch (IllegalArgumentException e) {
      return FlowStep.NONE;
    }
    if (!parsed.requestId().equals(outstandingRequestId)) {
      return FlowStep.NONE;
    }
    outstandingRequestId = null;
    long retryAfter = clampRetryAfter(parsed.retryAfterSeconds());
    int status = parsed.status();
    if (parsed.isTransient()) {
      lastWasTransient = true;
      lastTransientStatus = status;
      return waitThen(nowMillis + retryAfter);
    }
    lastWasTransient = false;
    if (status == 200 || status == 202) {
      return operation(body, nowMillis + retryAfter, status);
    }
    return end(FlowStep.failed(errorFailure(status, body)));
  }

  private FlowStep operation(byte[] body, long pollAt, int status) {
    OperationStatus operation;
    try {
      operation = OperationStatus.parse(body);
    } catch (IllegalArgumentException e) {
      return end(FlowStep.failed(ProvisioningFailure.of(ProvisioningFailure.Reason.PROTOCOL, status, 0,
          "DPS answered " + status + " with a body that is not an operation status: " + e.getMessage())));
    }
    operationId = operation.operationId();
    Registration state = operation.registrationState();
    switch (operation.status()) {
      case ASSIGNED:
        return end(FlowStep.done(java.util.Objects.requireNonNull(state)));
      case FAILED:
      case DISABLED:
        Registration failed = java.util.Objects.requireNonNull(state);
        boolean disabled = operation.status() == RegistrationStatus.DISABLED;
        Integer code = failed.errorCode();
        return end(FlowStep.failed(ProvisioningFailure.of(
            disabled ? ProvisioningFailure.Reason.DISABLED : ProvisioningFailure.Reason.FAILED, status,
            code == null ? 0 : code,
            "registration '" + request.registrationId() + "' " + (disabled
                ? "is disabled: its enrollment (or enrollment group) is disabled; enable it at the service"
                : "failed") + (failed.errorMessage() == null ? "" : " (" + failed.errorMessage() + ")"))));
      default:
        return waitThen(pollAt);
    }
  }

  private ProvisioningFailure errorFailure(int status, byte[] body) {
    DpsError error;
    try {
      error = DpsError.parse(body);
    } catch (IllegalArgumentException e) {
      error = DpsError.of(0, "", "");
    }
    String detail = error.message().isEmpty() ? "" : " (" + error.message() + ")";
    String id = "'" + request.registrationId() + "'";
    if (status == 401 || status == 403) {
      return ProvisioningFailure.of(ProvisioningFailure.Reason.UNAUTHORIZED, status, error.errorCode(),
          "DPS refused registration " + id + " with " + status + detail + ": check the ID scope, the registration "
              + "id, the key (or group key) and that an enrollment exists");
    }
    if (status == 404) {
      return ProvisioningFailure.of(ProvisioningFailure.Reason.NOT_FOUND, status, error.errorCode(),
          "DPS does not know the operation or registration " + id + detail);
    }
    return ProvisioningFailure.of(ProvisioningFailure.Reason.BAD_REQUEST, status, error.errorCode(),
        "DPS refused the request of registration " + id + " with " + status + detail);
  }

  private FlowStep waitThen(long atMillis) {
    if (atMillis >= deadlineMillis) {
      return timeOut();
    }
    phase = Phase.WAITING;
    waitUntilMillis = atMillis;
    return FlowStep.waitUntil(atMillis);
  }

  private FlowStep send() {
    String rid = Long.toString(nextRequestId++);
    outstandingRequestId = rid;
    phase = Phase.AWAITING_RESPONSE;
    if (operationId == null) {
      return FlowStep.publish(DpsTopics.register(Long.parseLong(rid)), request.toJson());
    }
    return FlowStep.publish(DpsTopics.operationStatus(Long.parseLong(rid), operationId), "");
  }

  private FlowStep timeOut() {
    if (lastWasTransient) {
      return end(FlowStep.failed(ProvisioningFailure.of(ProvisioningFailure.Reason.THROTTLED, lastTransientStatus, 0,
          "DPS kept answering " + lastTransientStatus + " (retry later) until the time-out of registration '"
              + request.registrationId() + "': try again later or allow a longer time-out")));
    }
    return end(FlowStep.failed(ProvisioningFailure.of(ProvisioningFailure.Reason.TIMEOUT, 0, 0,
        "registration '" + request.registrationId() + "' did not finish within its time-out"
            + (operationId == null ? " (no answer to the register request)" : " (still assigning)")
            + ": check the DPS host and port, or allow a longer time-out")));
  }

  private FlowStep end(FlowStep step) {
    phase = Phase.ENDED;
    outstandingRequestId = null;
    return step;
  }

  /** Milliseconds to wait for a {@code retry-after} in seconds (-1 = absent): default 2 s, clamped to 0.1..60 s. */
  public static long clampRetryAfter(long retryAfterSeconds) {
    if (retryAfterSeconds < 0) {
      return DEFAULT_RETRY_AFTER_MILLIS;
    }
    long millis = retryAfterSeconds > MAX_RETRY_AFTER_MILLIS / 1000 ? MAX_RETRY_AFTER_MILLIS
        : retryAfterSeconds * 1000;
    return Math.max(MIN_RETRY_AFTER_MILLIS, Math.min(MAX_RETRY_AFTER_MILLIS, millis));
  }

  /** The number of requests sent so far. */
  public long requestsSent() {
    return nextRequestId - firstRequestId;
  }

  @Override
  public String toString() {
    return "RegistrationFlow{registrationId=" + request.registrationId() + ", phase=" + phase + ", operationId="
        + operationId + "}";
  }
}
