// One register() of ProvisioningClient: drives the pure RegistrationFlow over a transport ClientCore (CONNECT,
// SUBSCRIBE $dps/registrations/res/#, publishes, timers) and ends the Single with the registration or the failure.
package io.rxiothub.device.internal;

import io.reactivex.rxjava3.core.Scheduler;
import io.reactivex.rxjava3.core.SingleEmitter;
import io.reactivex.rxjava3.disposables.CompositeDisposable;
import io.reactivex.rxjava3.disposables.Disposable;
import io.rxiothub.device.IotHubException;
import io.rxiothub.device.ProvisioningException;
import io.rxiothub.provisioning.DpsTopics;
import io.rxiothub.provisioning.FlowStep;
import io.rxiothub.provisioning.ProvisioningFailure;
import io.rxiothub.provisioning.Registration;
import io.rxiothub.provisioning.RegistrationFlow;
import io.rxiothub.transport.TransportState;
import io.rxiothub.transport.internal.ClientCore;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one registration. Every flow event happens under this object's monitor; effects are carried out after it
 * (publishes are cold Completables, timers go to the time scheduler). Dispose closes the connection.
 */
public final class ProvisioningRun implements ClientCore.ConnectionListener {

  private static final Logger LOG = LoggerFactory.getLogger(ProvisioningRun.class);

  private final ClientCore core;
  private final RegistrationFlow flow;
  private final Scheduler time;
  private final SingleEmitter<Registration> emitter;
  private final CompositeDisposable resources = new CompositeDisposable();
  private final String registrationId;
  private @Nullable Object connection;
  private @Nullable Throwable lastConnectionError;
  private boolean finished;

  private ProvisioningRun(ClientCore core, RegistrationFlow flow, Scheduler time, SingleEmitter<Registration> emitter,
      String registrationId) {
    this.core = core;
    this.flow = flow;
    this.time = time;
    this.emitter = emitter;
    this.registrationId = registrationId;
  }

  /** Starts a registration on {@code core} (not yet connected) whose outcome goes to {@code emitter}. */
  public static void start(ClientCore core, RegistrationFlow flow, Scheduler time,
      SingleEmitter<Registration> emitter, String registrationId) {
    ProvisioningRun run = new ProvisioningRun(core, flow, time, emitter, registrationId);
    emitter.setCancellable(run::finish);
    core.addConnectionListener(run);
    run.resources.add(core.inbound(DpsTopics.RESPONSE_FILTER, publish -> publish).subscribe(
        publish -> run.onResponse(publish.topic(), publish.payload()), run::onError));
    run.resources.add(core.connectionStates().subscribe(run::onState));
    run.schedule(flow.deadlineMillis());
    run.resources.add(core.connect().subscribe(() -> LOG.debug("DPS: {} connected", registrationId), run::onError));
  }

  /**
   * A new connection: if there was one before, it was lost, so the flow forgets the outstanding request (the
   * transport's connection states are not used: they arrive on the callback scheduler, after this call, and a late
   * "connecting" would undo the connection that follows it).
   */
  @Override
  public void connected(Object connection) {
    @Nullable FlowStep step = null;
    synchronized (this) {
      if (this.connection != null) {
        step = flow.connectionLost(now());
      }
      this.connection = connection;
    }
    if (step != null) {
      apply(step);
    }
  }

  @Override
  public void subscribed(String filter, Object connection) {
    if (!DpsTopics.RESPONSE_FILTER.equals(filter) || !core.isCurrentConnection(connection)) {
      return;
    }
    FlowStep step;
    synchronized (this) {
      step = flow.connected(now());
    }
    apply(step);
  }

  private void onResponse(String topic, byte[] payload) {
    FlowStep step;
    synchronized (this) {
      step = flow.response(topic, payload, now());
    }
    apply(step);
  }

  private void onTimer() {
    FlowStep step;
    synchronized (this) {
      step = flow.timer(now());
    }
    apply(step);
  }

  /** Keeps the error of the last failed connection attempt, for a time-out (null again once connected). */
  private void onState(TransportState state) {
    synchronized (this) {
      if (state.status() == TransportState.Status.CONNECTED) {
        lastConnectionError = null;
      } else if (state.error() != null) {
        lastConnectionError = state.error();
      }
    }
  }

  private void onError(Throwable error) {
    LOG.debug("DPS: registration {} failed: {}", registrationId, error.toString());
    if (finish()) {
      emitter.tryOnError(error instanceof IotHubException ? error
          : new io.rxiothub.device.IotHubConnectionException("DPS registration '" + registrationId
              + "' failed: " + error.getMessage(), error));
    }
  }

  private void apply(FlowStep step) {
    switch (step.kind()) {
      case PUBLISH:
        resources.add(core.publish(step.topic(), step.payload(), false, null).subscribe(() -> { },
            e -> LOG.debug("DPS: request of {} not acknowledged: {}", registrationId, e.toString())));
        break;
      case WAIT:
        schedule(step.atMillis());
        break;
      case DONE:
        if (finish()) {
          LOG.info("DPS: {} assigned to {} as {}", registrationId, step.registration().assignedHub(),
              step.registration().deviceId());
          emitter.onSuccess(step.registration());
        }
        break;
      case FAILED:
        failed(step.failure());
        break;
      default:
        break;
    }
  }

  private void failed(ProvisioningFailure failure) {
    Throwable cause;
    synchronized (this) {
      cause = failure.reason() == ProvisioningFailure.Reason.TIMEOUT ? lastConnectionError : null;
    }
    ProvisioningFailure reported = cause == null ? failure : ProvisioningFailure.of(failure.reason(),
        failure.status(), failure.errorCode(), failure.message() + "; the last connection attempt failed: "
            + rootMessage(cause));
    if (finish()) {
      LOG.warn("DPS: registration {} failed: {}", registrationId, reported.message());
      emitter.tryOnError(new ProvisioningException(reported, cause));
    }
  }

  /** The innermost message of {@code error}'s causes (the socket's "Connection refused: host/ip:port"). */
  private static String rootMessage(Throwable error) {
    String message = error.getMessage();
    for (Throwable t = error.getCause(); t != null && t != t.getCause(); t = t.getCause()) {
      if (t.getMessage() != null) {
        message = t.getMessage();
      }
    }
    return String.valueOf(message);
  }

  private void schedule(long atMillis) {
    Disposable timer = time.scheduleDirect(this::onTimer, Math.max(0, atMillis - now()), TimeUnit.MILLISECONDS);
    resources.add(timer);
  }

  private long now() {
    return time.now(TimeUnit.MILLISECONDS);
  }

  /** Ends the run once: releases timers and subscriptions, closes the connection; whether this call ended it. */
  private boolean finish() {
    synchronized (this) {
      if (finished) {
        return false;
      }
      finished = true;
    }
    resources.dispose();
    core.close();
    return true;
  }
}
