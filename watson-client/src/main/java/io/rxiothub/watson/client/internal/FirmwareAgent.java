// One device's side of the firmware actions (protocol.md §14.10): mgmt.firmware kept, device/update, observe,
// cancel, download and update answered, the state notified while the user's download and update run; once the
// handler is disposed, the answers a started action still owes the platform (its last notify, the cancel's 200).
package io.rxiothub.watson.client.internal;

import io.reactivex.rxjava3.core.Completable;
import io.reactivex.rxjava3.core.Flowable;
import io.reactivex.rxjava3.disposables.CompositeDisposable;
import io.reactivex.rxjava3.disposables.Disposable;
import io.reactivex.rxjava3.subjects.CompletableSubject;
import io.rxiothub.watson.DmFields;
import io.rxiothub.watson.DmMessage;
import io.rxiothub.watson.DmOperation;
import io.rxiothub.watson.Firmware;
import io.rxiothub.watson.client.FirmwareException;
import io.rxiothub.watson.client.PlatformRequest;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The firmware agent of device {@code typeId/deviceId}, one per subscription of {@link #handling}. Disposed, it stops
 * the running download or update (reported failed), and while an accepted action's flow is open (the platform
 * observes mgmt.firmware and has not cancelled yet) it goes on answering only that flow: the last notify, then the
 * platform's cancel (200); then, or after the DM time-out, it lets go of the requests. Thread-safe (one monitor
 * around the state).
 */
public final class FirmwareAgent {

  private static final Logger LOG = LoggerFactory.getLogger(FirmwareAgent.class);

  private final DmAgent dm;
  private final String typeId;
  private final String deviceId;
  private final @Nullable Function<Firmware, Completable> download;
  private final @Nullable Function<Firmware, Completable> update;
  private final CompositeDisposable running = new CompositeDisposable();
  /** Completes when the handler is disposed: running downloads and updates stop and are reported failed. */
  private final CompletableSubject stopping = CompletableSubject.create();
  /** Completes once the agent owes the platform nothing and has let go of its requests. */
  private final CompletableSubject settled = CompletableSubject.create();
  private Firmware firmware = Firmware.builder().build();
  private boolean observed;
  /** An action was accepted while mgmt.firmware was observed: the platform ends it with a cancel we must answer. */
  private boolean flowOpen;
  /** Disposed by the user: only the open flow's cancel is still answered. */
  private boolean closing;
  private boolean done;
  private @Nullable Disposable requests;
  private @Nullable Disposable deadline;

  /** Creates the agent; a null {@code download} or {@code update} answers that action 501. */
  public FirmwareAgent(DmAgent dm, String typeId, String deviceId,
      @Nullable Function<Firmware, Completable> download, @Nullable Function<Firmware, Completable> update) {
    this.dm = dm;
    this.typeId = typeId;
    this.deviceId = deviceId;
    this.download = download;
    this.update = update;
  }

  /** Returns whether {@code request} is about this agent's device. */
  private boolean concerns(PlatformRequest request) {
    return request.typeId().equals(typeId) && request.deviceId().equals(deviceId);
  }

  /** Returns the current {@code mgmt.firmware}. */
  public synchronized Firmware firmware() {
    return firmware;
  }

  /**
   * Cold, subscribed once: handles the firmware steps among {@code platformRequests} (every device's) until disposed,
   * then settles as the class comment says; completes or fails with {@code platformRequests}.
   */
  public Completable handling(Flowable<PlatformRequest> platformRequests) {
    return Completable.create(emitter -> {
      Disposable d = platformRequests.filter(this::concerns).concatMapCompletable(this::handle).subscribe(() -> {
        stopNow();
        emitter.onComplete();
      }, e -> {
        stopNow();
        emitter.tryOnError(e);
      });
      boolean over;
      synchronized (this) {
        over = done;
        if (!over) {
          requests = d;
        }
      }
      if (over) {
        d.dispose();
      }
      emitter.setCancellable(this::close);
    });
  }

  /** Cold: answers {@code request} if it is a firmware step (completes at once otherwise, leaving it to the user). */
  private Completable handle(PlatformRequest request) {
    return Completable.defer(() -> {
      synchronized (this) {
        if (closing && request.operation() != DmOperation.CANCEL) {
          return Completable.complete(); // disposed: no new step, only the open flow's cancel
        }
      }
      switch (request.operation()) {
        case DEVICE_UPDATE:
          return deviceUpdate(request);
        case OBSERVE:
        case CANCEL:
          return observe(request, request.operation() == DmOperation.OBSERVE);
        case FIRMWARE_DOWNLOAD:
          return start(request, download, true);
        case FIRMWARE_UPDATE:
          return start(request, update, false);
        default:
          return Completable.complete();
      }
    });
  }

  private Completable deviceUpdate(PlatformRequest request) {
    Map<String, String> values;
    try {
      values = DmFields.values(request.dataJson());
    } catch (IllegalArgumentException e) {
      return Completable.complete(); // not a firmware step this agent can read; the user's subscriber may
    }
    String value = values.get(Firmware.FIELD);
    if (value == null || values.size() != 1) {
      return Completable.complete();
    }
    try {
      synchronized (this) {
        firmware = firmware.merge(value);
      }
    } catch (IllegalArgumentException e) {
      return dm.respond(request, DmMessage.RC_BAD_REQUEST, e.getMessage());
    }
    return dm.respond(request, DmMessage.RC_CHANGED, null);
  }

  private Completable observe(PlatformRequest request, boolean start) {
    List<String> names;
    try {
      names = DmFields.names(request.dataJson());
    } catch (IllegalArgumentException e) {
      return Completable.complete();
    }
    if (!names.contains(Firmware.FIELD)) {
      return Completable.complete();
    }
    String d;
    synchronized (this) {
      observed = start;
      d = start ? DmFields.fields(Collections.singletonMap(Firmware.FIELD, firmware.toValueJson())) : null;
    }
    Completable answer = dm.respond(request, DmMessage.RC_OK, null, d);
    return start ? answer : answer.doFinally(this::flowClosed);
  }

  /** The platform's cancel was answered: the flow is over, and a disposed agent lets go. */
  private void flowClosed() {
    boolean stop;
    synchronized (this) {
      flowOpen = false;
      stop = closing;
    }
    if (stop) {
      stopNow();
    }
  }

  private Completable start(PlatformRequest request, @Nullable Function<Firmware, Completable> action,
      boolean isDownload) {
    Firmware target;
    int rc;
    synchronized (this) {
      rc = isDownload ? firmware.downloadRc(action != null) : firmware.updateRc(action != null);
      if (rc == DmMessage.RC_ACCEPTED) {
        // decided and marked at once, so that a second request is refused with 400
        firmware = isDownload ? firmware.toBuilder().state(Firmware.STATE_DOWNLOADING).build()
            : firmware.toBuilder().updateStatus(Firmware.UPDATE_IN_PROGRESS).build();
        flowOpen = flowOpen || observed;
      }
      target = firmware;
    }
    if (rc != DmMessage.RC_ACCEPTED || action == null) {
      return dm.respond(request, rc, message(rc, isDownload));
    }
    // Disposing the handler stops the action (first in the amb: not started at all if already disposed) as a
    // failure with the default status, which is notified like any other failure.
    Completable stopped = stopping.andThen(Completable.error(() -> new FirmwareException(
        isDownload ? Firmware.UPDATE_CONNECTION_LOST : Firmware.UPDATE_OUT_OF_MEMORY,
        "the firmware handler was disposed")));
    Completable work = dm.respond(request, rc, null)
        .andThen(notifyState())
        .andThen(Completable.ambArray(stopped, Completable.defer(() -> action.apply(target))).toSingleDefault(-1)
            .onErrorReturn(e -> failureStatus(e, isDownload)))
        .flatMapCompletable(status -> finish(status, isDownload));
    running.add(work.subscribe(() -> { }, e -> LOG.warn("{}/{}: firmware {} ended: {}", typeId, deviceId,
        isDownload ? "download" : "update", e.toString())));
    return Completable.complete();
  }

  private Completable finish(int failure, boolean isDownload) {
    synchronized (this) {
      Firmware.Builder b = firmware.toBuilder();
      if (failure >= 0) {
        b.state(Firmware.STATE_IDLE).updateStatus(failure);
      } else if (isDownload) {
        b.state(Firmware.STATE_DOWNLOADED);
      } else {
        b.state(Firmware.STATE_IDLE).updateStatus(Firmware.UPDATE_SUCCESS);
      }
      firmware = b.build();
    }
    return notifyState();
  }

  private int failureStatus(Throwable e, boolean isDownload) {
    LOG.info("{}/{}: firmware {} failed: {}", typeId, deviceId, isDownload ? "download" : "update", e.toString());
    if (e instanceof FirmwareException) {
      return ((FirmwareException) e).updateStatus();
    }
    return isDownload ? Firmware.UPDATE_CONNECTION_LOST : Firmware.UPDATE_OUT_OF_MEMORY;
  }

  private static @Nullable String message(int rc, boolean isDownload) {
    if (rc == DmMessage.RC_NOT_IMPLEMENTED) {
      return "firmware " + (isDownload ? "download" : "update") + " is not supported";
    }
    if (rc == DmMessage.RC_BAD_REQUEST) {
      return isDownload ? "mgmt.firmware.state is not 0 (idle), or mgmt.firmware.uri is not an absolute URI"
          : "mgmt.firmware.state is not 2 (downloaded)";
    }
    return null;
  }

  /** Cold: notifies the current state and update status if mgmt.firmware is observed; never fails. */
  private Completable notifyState() {
    return Completable.defer(() -> {
      String value;
      synchronized (this) {
        if (!observed) {
          return Completable.complete();
        }
        value = firmware.statusJson();
      }
      return dm.request(typeId, deviceId, DmOperation.NOTIFY, DmFields.notify(Firmware.FIELD, value))
          .doOnSuccess(r -> {
            if (r.rc() != DmMessage.RC_OK) {
              LOG.warn("{}/{}: the platform answered the firmware notify {} with rc {}", typeId, deviceId, value,
                  r.rc());
            }
          })
          .ignoreElement()
          .onErrorComplete(e -> {
            LOG.warn("{}/{}: firmware notify {} failed: {}", typeId, deviceId, value, e.toString());
            return true;
          });
    });
  }

  /**
   * The handler was disposed: stops running actions (reported failed); lets go at once if no flow is open, else once
   * its cancel is answered or after the DM time-out, the client's disconnect waiting for that.
   */
  private void close() {
    boolean owes;
    synchronized (this) {
      if (closing) {
        return;
      }
      closing = true;
      owes = flowOpen;
    }
    stopping.onComplete();
    if (!owes) {
      stopNow();
      return;
    }
    dm.owe(settled);
    Disposable timer = dm.afterTimeout(() -> {
      LOG.warn("{}/{}: no firmware cancel from the platform within the DM time-out after the handler was disposed",
          typeId, deviceId);
      stopNow();
    });
    synchronized (this) {
      if (!done) {
        deadline = timer;
        return;
      }
    }
    timer.dispose();
  }

  /** Lets go of everything now: the requests, running actions and notifies, the deadline. */
  private void stopNow() {
    Disposable r;
    Disposable t;
    synchronized (this) {
      if (done) {
        return;
      }
      done = true;
      closing = true;
      r = requests;
      t = deadline;
      requests = null;
      deadline = null;
    }
    stopping.onComplete();
    running.dispose();
    if (r != null) {
      r.dispose();
    }
    if (t != null) {
      t.dispose();
    }
    settled.onComplete();
  }
}
