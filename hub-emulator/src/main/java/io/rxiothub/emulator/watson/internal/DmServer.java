// The device-management server (protocol.md §14.5): manage state, device requests answered with rc, platform
// requests correlated by reqId with expiry.
package io.rxiothub.emulator.watson.internal;

import io.rxiothub.watson.ClientId;
import io.rxiothub.watson.DmMessage;
import io.rxiothub.watson.DmOperation;
import io.rxiothub.watson.ManageRequest;
import io.rxiothub.watson.ReqIdCorrelator;
import io.rxiothub.watson.WatsonTopic;
import io.rxiothub.watson.DmFields;
import io.rxiothub.watson.Firmware;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.LongSupplier;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Device-management state and requests of one organisation. Thread-safe (one monitor). */
public final class DmServer {

  private static final Logger LOG = LoggerFactory.getLogger(DmServer.class);

  /** What the server knows of one device. */
  public static final class State {
    boolean managed;
    long lifetimeSeconds;
    long managedAtMillis;
    boolean deviceActions;
    boolean firmwareActions;
    @Nullable String manageData;
    @Nullable String deviceInfo;
    @Nullable String metadata;
    @Nullable String location;
    final List<String> errorCodes = new ArrayList<>();
    final List<String> logs = new ArrayList<>();
    int manageCount;
    Firmware firmware = Firmware.builder().build();
    final Set<String> observed = new HashSet<>();
  }

  private record Waiter(CompletableFuture<DmMessage> result, String device) {}

  private record FirmwareWaiter(String key, Predicate<Firmware> until, CompletableFuture<Firmware> result) {}

  private final String orgId;
  private final ScheduledExecutorService timer;
  private final LongSupplier clock;
  private final Map<String, State> states = new HashMap<>();
  private final ReqIdCorrelator<Waiter> requests = new ReqIdCorrelator<>("dm");
  private final List<DmMessage> lateResponses = new ArrayList<>();
  private final List<FirmwareWaiter> firmwareWaiters = new ArrayList<>();
  private volatile @Nullable WatsonLink link;

  /** Creates the server; {@code clock} gives epoch milliseconds. */
  public DmServer(String orgId, ScheduledExecutorService timer, LongSupplier clock) {
    this.orgId = orgId;
    this.timer = timer;
    this.clock = clock;
  }

  void attach(@Nullable WatsonLink link) {
    this.link = link;
  }

  /** Handles a DM message that {@code client} published about device {@code typeId/deviceId}. */
  void fromDevice(ClientId client, String typeId, String deviceId, @Nullable String operation, byte[] payload) {
    String key = WatsonRegistry.key(typeId, deviceId);
    DmOperation op = operation == null ? null
        : DmOperation.of(client.kind() == ClientId.Kind.GATEWAY
            ? WatsonTopic.dm(true, typeId, deviceId, operation) : WatsonTopic.parse("iotdevice-1/" + operation));
    if (op == DmOperation.RESPONSE_TO_PLATFORM) {
      response(key, payload);
      return;
    }
    DmMessage request;
    try {
      request = DmMessage.parseRequest(payload);
    } catch (IllegalArgumentException e) {
      LOG.info("watson emulator: malformed DM request from {} about {}: {}", client, key, e.getMessage());
      return;
    }
    int rc = apply(key, op, request);
    if (request.reqId() != null) {
      String topic = client.kind() == ClientId.Kind.GATEWAY
          ? DmOperation.RESPONSE.topic(typeId, deviceId).toString() : "iotdm-1/response";
      WatsonLink l = link;
      if (l != null) {
        l.publishToClient(client.toString(), topic, DmMessage.response(rc, null, null, request.reqId()).toBytes(), 1);
      }
    }
    // After the response: a waiting firmware flow goes on (cancel, its caller returns) only once the notify is
    // answered, so a device disposing its handler when the flow ends no longer cancels a notify still in flight.
    if (op == DmOperation.NOTIFY && rc == DmMessage.RC_OK) {
      firmwareChanged(key);
    }
  }

  private synchronized int apply(String key, @Nullable DmOperation op, DmMessage request) {
    if (op == null || !op.toPlatform()) {
      return DmMessage.RC_NOT_FOUND;
    }
    State state = states.computeIfAbsent(key, k -> new State());
    expireLifetime(state);
    if (op == DmOperation.MANAGE) {
      ManageRequest manage;
      try {
        manage = ManageRequest.parse(request.dataJson());
      } catch (IllegalArgumentException e) {
        LOG.info("watson emulator: manage request about {} refused with rc 400: {}", key, e.getMessage());
        return DmMessage.RC_BAD_REQUEST;
      }
      state.managed = true;
      state.managedAtMillis = clock.getAsLong();
      state.manageData = request.dataJson();
      state.manageCount++;
      state.deviceActions = manage.deviceActions();
      state.firmwareActions = manage.firmwareActions();
      state.lifetimeSeconds = manage.lifetimeSeconds();
      // metadata and deviceInfo replace the device's attributes when sent (RTD-DM)
      if (manage.deviceInfoJson() != null) {
        state.deviceInfo = manage.deviceInfoJson();
      }
      if (manage.metadataJson() != null) {
        state.metadata = manage.metadataJson();
      }
      return DmMessage.RC_OK;
    }
    if (!state.managed) {
      return DmMessage.RC_FORBIDDEN;
    }
    switch (op) {
      case UNMANAGE -> state.managed = false;
      case UPDATE_LOCATION -> {
        String d = request.dataJson();
        if (d == null || !d.contains("\"latitude\"") || !d.contains("\"longitude\"")) {
          return DmMessage.RC_BAD_REQUEST;
        }
        state.location = d;
      }
      case ADD_ERROR_CODE -> state.errorCodes.add(request.dataJson() == null ? "" : request.dataJson());
      case CLEAR_ERROR_CODES -> state.errorCodes.clear();
      case ADD_LOG -> state.logs.add(request.dataJson() == null ? "" : request.dataJson());
      case CLEAR_LOGS -> state.logs.clear();
      case NOTIFY -> {
        return notified(state, request.dataJson());
      }
      default -> {
        return DmMessage.RC_OK;
      }
    }
    return DmMessage.RC_OK;
  }

  /** A notify of an observed attribute: 200 and the value kept, 404 if not observed, 400 if malformed. */
  private static int notified(State state, @Nullable String d) {
    String field;
    String value;
    try {
      if (d != null && d.contains("\"fields\"")) { // RTD-DM's download example: {"fields":[{field, value}]}
        Map.Entry<String, String> first = DmFields.values(d).entrySet().iterator().next();
        field = first.getKey();
        value = first.getValue();
      } else {
        Map.Entry<String, String> e = DmFields.notified(d);
        field = e.getKey();
        value = e.getValue();
      }
      if (!state.observed.contains(field)) {
        return DmMessage.RC_NOT_FOUND;
      }
      if (field.equals(Firmware.FIELD)) {
        state.firmware = state.firmware.merge(value);
      }
      return DmMessage.RC_OK;
    } catch (IllegalArgumentException | java.util.NoSuchElementException e) {
      LOG.info("watson emulator: notify refused with rc 400: {}", e.getMessage());
      return DmMessage.RC_BAD_REQUEST;
    }
  }

  private void firmwareChanged(String key) {
    List<FirmwareWaiter> done = new ArrayList<>();
    Firmware now;
    synchronized (this) {
      now = states.get(key).firmware;
      for (var it = firmwareWaiters.iterator(); it.hasNext(); ) {
        FirmwareWaiter w = it.next();
        if (w.key().equals(key) && w.until().test(now)) {
          it.remove();
          done.add(w);
        }
      }
    }
    for (FirmwareWaiter w : done) {
      w.result().complete(now);
    }
  }

  /** Returns the device's next mgmt.firmware, as notified, that {@code until} accepts. */
  synchronized CompletableFuture<Firmware> awaitFirmware(String key, Predicate<Firmware> until) {
    FirmwareWaiter w = new FirmwareWaiter(key, until, new CompletableFuture<>());
    firmwareWaiters.add(w);
    w.result().whenComplete((f, e) -> {
      synchronized (this) {
        firmwareWaiters.remove(w);
      }
    });
    return w.result();
  }

  /** Returns the device's mgmt.firmware as last set or notified (idle when never). */
  public synchronized Firmware firmware(String typeId, String deviceId) {
    State state = states.get(WatsonRegistry.key(typeId, deviceId));
    return state == null ? Firmware.builder().build() : state.firmware;
  }

  /** Returns whether the device is managed with firmware actions. */
  synchronized boolean firmwareActions(String key) {
    State state = states.get(key);
    if (state == null) {
      return false;
    }
    expireLifetime(state);
    return state.managed && state.firmwareActions;
  }

  /** Sets what the platform told the device (its device/update was answered 204). */
  synchronized void firmware(String key, Firmware firmware) {
    states.computeIfAbsent(key, k -> new State()).firmware = firmware;
  }

  /** Marks {@code field} observed or not (the device answered observe or cancel with 200). */
  synchronized void observed(String key, String field, boolean observed) {
    State state = states.computeIfAbsent(key, k -> new State());
    if (observed) {
      state.observed.add(field);
    } else {
      state.observed.remove(field);
    }
  }

  /** After a successful update: {@code deviceInfo.fwVersion} becomes {@code version} (RTD-DM). */
  synchronized void firmwareVersion(String key, String version) {
    State state = states.computeIfAbsent(key, k -> new State());
    state.deviceInfo = FirmwareFlows.withFwVersion(state.deviceInfo, version);
  }

  private void expireLifetime(State state) {
    if (state.managed && state.lifetimeSeconds > 0
        && clock.getAsLong() > state.managedAtMillis + state.lifetimeSeconds * 1000) {
      state.managed = false;
    }
  }

  private void response(String key, byte[] payload) {
    DmMessage response;
    try {
      response = DmMessage.parseResponse(payload);
    } catch (IllegalArgumentException e) {
      LOG.info("watson emulator: malformed DM response about {}: {}", key, e.getMessage());
      return;
    }
    Waiter waiter;
    synchronized (this) {
      waiter = requests.complete(response.reqId());
      if (waiter == null) {
        lateResponses.add(response);
      }
    }
    if (waiter != null) {
      waiter.result().complete(response);
    } else {
      LOG.info("watson emulator: DM response with unknown or expired reqId about {}: {}", key, response);
    }
  }

  /**
   * Sends a platform request {@code op} to device {@code typeId/deviceId} (to a gateway acting for it, and to the
   * device's own connection) and returns its response, or a {@link TimeoutException} after {@code timeoutMillis}.
   */
  public CompletableFuture<DmMessage> initiate(String typeId, String deviceId, DmOperation op,
      @Nullable String dataJson, long timeoutMillis) {
    if (op.toPlatform()) {
      throw new IllegalArgumentException(op + " is sent by devices, not by the platform");
    }
    WatsonLink l = link;
    if (l == null) {
      throw new IllegalStateException("the Watson emulator is not started");
    }
    String reqId = UUID.randomUUID().toString();
    CompletableFuture<DmMessage> result = new CompletableFuture<>();
    synchronized (this) {
      requests.register(reqId, new Waiter(result, WatsonRegistry.key(typeId, deviceId)), clock.getAsLong(),
          timeoutMillis);
    }
    timer.schedule(this::expire, timeoutMillis, TimeUnit.MILLISECONDS);
    byte[] body = DmMessage.request(dataJson, reqId).toBytes();
    l.publish(op.topic(typeId, deviceId).toString(), body, 1);
    l.publishToClient(ClientId.device(orgId, typeId, deviceId).toString(), "iotdm-1/" + op.suffix(), body, 1);
    return result;
  }

  private void expire() {
    List<Waiter> expired;
    synchronized (this) {
      expired = requests.expire(clock.getAsLong());
    }
    for (Waiter w : expired) {
      w.result().completeExceptionally(new TimeoutException("device-management request to " + w.device()
          + " expired without a response (the device may still process it when it reconnects)"));
    }
  }

  /** Returns whether the device is managed now. */
  public synchronized boolean isManaged(String typeId, String deviceId) {
    State state = states.get(WatsonRegistry.key(typeId, deviceId));
    if (state == null) {
      return false;
    }
    expireLifetime(state);
    return state.managed;
  }

  /** Returns the device's last manage {@code d} as parsed (null if it never managed), lifetime and actions as now. */
  public synchronized @Nullable ManageRequest manageRequest(String typeId, String deviceId) {
    State state = states.get(WatsonRegistry.key(typeId, deviceId));
    if (state == null || state.manageCount == 0) {
      return null;
    }
    return ManageRequest.builder().lifetimeSeconds(state.lifetimeSeconds).deviceActions(state.deviceActions)
        .firmwareActions(state.firmwareActions).deviceInfoJson(state.deviceInfo).metadataJson(state.metadata).build();
  }

  /** Returns how many manage requests the device sent. */
  public synchronized int manageCount(String typeId, String deviceId) {
    State state = states.get(WatsonRegistry.key(typeId, deviceId));
    return state == null ? 0 : state.manageCount;
  }

  /** Returns the device's last location ({@code d} JSON), or null. */
  public synchronized @Nullable String location(String typeId, String deviceId) {
    State state = states.get(WatsonRegistry.key(typeId, deviceId));
    return state == null ? null : state.location;
  }

  /** Returns the device's diagnostic error codes ({@code d} JSON each). */
  public synchronized List<String> errorCodes(String typeId, String deviceId) {
    State state = states.get(WatsonRegistry.key(typeId, deviceId));
    return state == null ? List.of() : List.copyOf(state.errorCodes);
  }

  /** Returns the device's diagnostic logs ({@code d} JSON each). */
  public synchronized List<String> logs(String typeId, String deviceId) {
    State state = states.get(WatsonRegistry.key(typeId, deviceId));
    return state == null ? List.of() : List.copyOf(state.logs);
  }

  /** Returns the responses that arrived after their request expired (or with an unknown reqId). */
  public synchronized List<DmMessage> lateResponses() {
    return List.copyOf(lateResponses);
  }
}
