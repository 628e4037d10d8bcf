// A client's side of device management (protocol.md §14.5): requests to the platform correlated by reqId with
// a time-out, sent once the response filter is active; platform requests as a stream; responses to them. A gateway
// uses the topics that name the device; a plain device its own ({@code iotdevice-1/{op}}, {@code iotdm-1/{op}}).
package io.rxiothub.watson.client.internal;

import io.reactivex.rxjava3.core.Completable;
import io.reactivex.rxjava3.core.Flowable;
import io.reactivex.rxjava3.core.Single;
import io.reactivex.rxjava3.core.SingleEmitter;
import io.reactivex.rxjava3.disposables.Disposable;
import io.reactivex.rxjava3.subjects.BehaviorSubject;
import io.rxiothub.transport.internal.ClientCore;
import io.rxiothub.watson.ClientId;
import io.rxiothub.watson.DmMessage;
import io.rxiothub.watson.DmOperation;
import io.rxiothub.watson.ReqIdCorrelator;
import io.rxiothub.watson.WatsonTopic;
import io.rxiothub.watson.client.PlatformRequest;
import io.rxiothub.watson.client.WatsonException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Device management of one gateway or device client. Thread-safe (one monitor around the correlator). */
public final class DmAgent {

  private static final Logger LOG = LoggerFactory.getLogger(DmAgent.class);
  private final ClientCore core;
  private final String who;
  /** A plain device (its own topics), or null for a gateway. */
  private final @Nullable ClientId own;
  /** The filter of the platform's responses: about any device the gateway manages, or the device's own. */
  private final String responsesFilter;
  private final long timeoutMillis;
  private final ReqIdCorrelator<SingleEmitter<DmMessage>> pending;
  private static final Object NONE = new Object();
  /** The last connection on which the response filter was acknowledged (replayed to late waiters). */
  private final BehaviorSubject<Object> subscribedOn = BehaviorSubject.createDefault(NONE);
  private @Nullable Disposable responses;
  private @Nullable Flowable<PlatformRequest> requests;
  /** Completes, each, when a disposed firmware handler has sent what it owes the platform; guarded by this. */
  private final List<Completable> owed = new ArrayList<>();

  /** Creates the agent of {@code client} (a gateway or a device); requests time out after {@code timeoutMillis}. */
  public DmAgent(ClientCore core, ClientId client, long timeoutMillis) {
    this.core = core;
    this.who = client.toString();
    this.own = client.kind() == ClientId.Kind.DEVICE ? client : null;
    this.responsesFilter = own != null ? "iotdm-1/response" : "iotdm-1/type/+/id/+/response";
    this.timeoutMillis = timeoutMillis;
    this.pending = new ReqIdCorrelator<>("gw");
    core.addConnectionListener(new ClientCore.ConnectionListener() {
      @Override
      public void connected(Object connection) {
        // Nothing: the response filter is resubscribed by its route; subscribed(...) says when.
      }

      @Override
      public void subscribed(String filter, Object connection) {
        if (responsesFilter.equals(filter)) {
          subscribedOn.onNext(connection);
        }
      }
    });
  }

  private synchronized void ensureResponses() {
    if (responses == null) {
      responses = core.inbound(responsesFilter, publish -> {
        try {
          return DmMessage.parseResponse(publish.payload());
        } catch (IllegalArgumentException e) {
          LOG.warn("{}: skipped a malformed device-management response: {}", who, e.getMessage());
          return null;
        }
      }).subscribe(this::onResponse, e -> LOG.warn("{}: device-management responses ended: {}", who, e.toString()));
    }
  }

  private void onResponse(DmMessage response) {
    SingleEmitter<DmMessage> emitter;
    synchronized (this) {
      emitter = pending.complete(response.reqId());
    }
    if (emitter == null) {
      LOG.info("{}: device-management response with unknown or expired reqId {}", who, response.reqId());
    } else {
      emitter.onSuccess(response);
    }
  }

  /** Cold: sends {@code op} about {@code typeId/deviceId} with {@code d} and returns the platform's response. */
  public Single<DmMessage> request(String typeId, String deviceId, DmOperation op, @Nullable String dataJson) {
    String topic = own != null ? "iotdevice-1/" + op.suffix() : op.topic(typeId, deviceId).toString();
    return Completable.defer(() -> {
      ensureResponses();
      return subscribedOn.filter(c -> c != NONE && core.isCurrentConnection(c)).firstElement().ignoreElement()
          // the acknowledgement arrives on an I/O thread: publish from the callback scheduler
          .observeOn(core.settings().callbackScheduler());
    }).andThen(Single.<DmMessage>create(emitter -> {
      String reqId;
      synchronized (this) {
        reqId = pending.register(emitter, core.settings().timeScheduler().now(TimeUnit.MILLISECONDS), timeoutMillis);
      }
      Disposable timer = core.settings().timeScheduler().scheduleDirect(this::expire, timeoutMillis,
          TimeUnit.MILLISECONDS);
      Disposable send = core.publish(topic, DmMessage.request(dataJson, reqId).toBytes(), false, null)
          .subscribe(() -> { }, e -> {
            synchronized (this) {
              pending.cancel(reqId);
            }
            emitter.tryOnError(e);
          });
      emitter.setCancellable(() -> {
        timer.dispose();
        send.dispose();
        synchronized (this) {
          pending.cancel(reqId);
        }
      });
    }));
  }

  private void expire() {
    List<SingleEmitter<DmMessage>> expired;
    synchronized (this) {
      expired = new ArrayList<>(pending.expire(core.settings().timeScheduler().now(TimeUnit.MILLISECONDS)));
    }
    for (SingleEmitter<DmMessage> e : expired) {
      e.tryOnError(new WatsonException(WatsonException.Kind.TIMEOUT, 0,
          "no device-management response within " + timeoutMillis + " ms", null));
    }
  }

  /**
   * The hot stream of platform requests, one route per operation the platform sends, made once: every subscriber
   * shares the routes (an inbound message goes to the first route that matches, so a second set would starve).
   */
  public synchronized Flowable<PlatformRequest> platformRequests() {
    Flowable<PlatformRequest> made = requests;
    if (made != null) {
      return made;
    }
    List<Flowable<PlatformRequest>> routes = new ArrayList<>();
    for (DmOperation op : DmOperation.values()) {
      if (op.toPlatform() || op == DmOperation.RESPONSE) {
        continue;
      }
      String filter = own != null ? "iotdm-1/" + op.suffix() : "iotdm-1/type/+/id/+/" + op.suffix();
      routes.add(core.inbound(filter, publish -> {
        try {
          WatsonTopic topic = WatsonTopic.parse(publish.topic());
          DmMessage request = DmMessage.parseRequest(publish.payload());
          ClientId device = own;
          return device != null
              ? new PlatformRequest(device.typeId(), device.deviceId(), op, request.dataJson(), request.reqId())
              : new PlatformRequest(topic.typeId(), topic.deviceId(), op, request.dataJson(), request.reqId());
        } catch (IllegalArgumentException e) {
          LOG.warn("{}: skipped a malformed device-management request on '{}': {}", who, publish.topic(),
              e.getMessage());
          return null;
        }
      }));
    }
    made = Flowable.merge(routes);
    requests = made;
    return made;
  }

  /** Cold: answers {@code request} with {@code rc} (and {@code message}); completes on PUBACK. */
  public Completable respond(PlatformRequest request, int rc, @Nullable String message) {
    return respond(request, rc, message, null);
  }

  /** Cold: answers {@code request} with {@code rc}, {@code message} and {@code d}; completes on PUBACK. */
  public Completable respond(PlatformRequest request, int rc, @Nullable String message, @Nullable String dataJson) {
    String reqId = request.reqId();
    if (reqId == null) {
      return Completable.complete();
    }
    String topic = own != null ? "iotdevice-1/response"
        : DmOperation.RESPONSE_TO_PLATFORM.topic(request.typeId(), request.deviceId()).toString();
    return core.publish(topic, DmMessage.response(rc, message, dataJson, reqId).toBytes(), false, null);
  }

  /** Registers {@code settled}: {@link #owedAnswers()} waits for it until it completes. */
  public void owe(Completable settled) {
    synchronized (this) {
      owed.add(settled);
    }
    settled.subscribe(() -> {
      synchronized (this) {
        owed.remove(settled);
      }
    });
  }

  /** Cold: completes once every registered {@link #owe} Completable has. */
  public Completable owedAnswers() {
    return Completable.defer(() -> {
      List<Completable> now;
      synchronized (this) {
        now = new ArrayList<>(owed);
      }
      return Completable.merge(now);
    });
  }

  /** Runs {@code task} once the DM time-out has passed, on the time scheduler. */
  public Disposable afterTimeout(Runnable task) {
    return core.settings().timeScheduler().scheduleDirect(task, timeoutMillis, TimeUnit.MILLISECONDS);
  }

  /** Returns {@code text} as a JSON string literal. */
  public static String quote(String text) {
    StringBuilder out = new StringBuilder(text.length() + 2).append('"');
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '"' || c == '\\') {
        out.append('\\').append(c);
      } else if (c < 0x20) {
        out.append(String.format("\\u%04x", (int) c));
      } else {
        out.append(c);
      }
    }
    return out.append('"').toString();
  }

  /** Disposes the response route. */
  public synchronized void close() {
    if (responses != null) {
      responses.dispose();
    }
  }
}
