// The Watson organisation's topic rules (protocol.md §14.2-14.4): what each client may publish and subscribe,
// events captured and re-published, commands delivered, notifications sent to gateways.
package io.rxiothub.emulator.watson.internal;

import io.reactivex.rxjava3.core.Flowable;
import io.reactivex.rxjava3.processors.FlowableProcessor;
import io.reactivex.rxjava3.processors.PublishProcessor;
import io.rxiothub.emulator.watson.WatsonEvent;
import io.rxiothub.watson.ClientId;
import io.rxiothub.watson.Notification;
import io.rxiothub.watson.WatsonIds;
import io.rxiothub.watson.WatsonTopic;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Processes every PUBLISH and SUBSCRIBE of the organisation. Thread-safe. */
public final class WatsonCore {

  private static final Logger LOG = LoggerFactory.getLogger(WatsonCore.class);
  /** Largest accepted payload (S001). */
  public static final int MAX_PAYLOAD = 131_072;

  private final String orgId;
  private final WatsonRegistry registry;
  private final AutoRegistration registration;
  private final LongSupplier clock;
  /** The latest accepted events, at most {@link #retention} (guarded by itself). */
  private final ArrayDeque<WatsonEvent> events = new ArrayDeque<>();
  private final AtomicLong accepted = new AtomicLong();
  private volatile int retention = 100_000;
  private final List<Notification> notifications = new CopyOnWriteArrayList<>();
  // serialized: events arrive on several broker threads at once
  private final FlowableProcessor<WatsonEvent> eventStream = PublishProcessor.<WatsonEvent>create().toSerialized();
  private final AtomicLong dropped = new AtomicLong();
  private final @Nullable DmServer dm;
  private final StatusMonitor status;
  private volatile @Nullable WatsonLink link;

  /** Creates the rules of organisation {@code orgId}; {@code dm} answers device-management messages. */
  public WatsonCore(String orgId, WatsonRegistry registry, AutoRegistration registration, LongSupplier clock,
      @Nullable DmServer dm) {
    this.orgId = orgId;
    this.registry = registry;
    this.registration = registration;
    this.clock = clock;
    this.dm = dm;
    this.status = new StatusMonitor(clock);
  }

  /** Returns the connection status publisher (protocol.md §14.7). */
  public StatusMonitor status() {
    return status;
  }

  /** Attaches the broker (null when stopped). */
  public void attach(@Nullable WatsonLink link) {
    this.link = link;
    status.attach(link);
    if (dm != null) {
      dm.attach(link);
    }
  }

  /** Keeps at most {@code max} (0 or more) of the latest events for {@link #events()}. */
  public void retention(int max) {
    if (max < 0) {
      throw new IllegalArgumentException("eventRetention must be 0 or more, got " + max);
    }
    retention = max;
  }

  /** Returns the captured events, oldest first (the latest {@link #retention(int)}). */
  public List<WatsonEvent> events() {
    synchronized (events) {
      return new ArrayList<>(events);
    }
  }

  /** Returns how many events were accepted since the start (retained or not). */
  public long acceptedCount() {
    return accepted.get();
  }

  /** Returns the events as they arrive (hot). */
  public Flowable<WatsonEvent> eventStream() {
    return eventStream.onBackpressureBuffer();
  }

  /** Returns the notifications sent to gateways. */
  public List<Notification> notifications() {
    return new ArrayList<>(notifications);
  }

  /** Returns how many PUBLISHes were dropped by the topic rules. */
  public long dropped() {
    return dropped.get();
  }

  // ---------------------------------------------------------------- PUBLISH

  /** Handles a PUBLISH of {@code client} (never delivered as is: accepted messages are re-published). */
  public void onPublish(ClientId client, String topic, byte[] payload, int qos) {
    WatsonTopic parsed;
    try {
      parsed = WatsonTopic.parse(topic);
    } catch (IllegalArgumentException e) {
      refusePublish(client, topic, diagnose(topic, e));
      return;
    }
    if (payload.length > MAX_PAYLOAD) {
      refusePublish(client, topic, new Refusal(Notification.RC_PAYLOAD_TOO_LARGE,
          "payload of " + payload.length + " bytes is over the limit of " + MAX_PAYLOAD + " bytes"));
      return;
    }
    switch (client.kind()) {
      case DEVICE -> publishAsDevice(client, parsed, topic, payload, qos);
      case GATEWAY -> publishAsGateway(client, parsed, topic, payload, qos);
      default -> publishAsApplication(client, parsed, topic, payload, qos);
    }
  }

  private void publishAsDevice(ClientId client, WatsonTopic parsed, String topic, byte[] payload, int qos) {
    if (parsed.kind() == WatsonTopic.Kind.OWN_EVENT) {
      accept(client, client.typeId(), client.deviceId(), parsed, payload, qos);
    } else if (parsed.kind() == WatsonTopic.Kind.OWN_DM_TO_PLATFORM && dm != null) {
      dm.fromDevice(client, client.typeId(), client.deviceId(), parsed.name(), payload);
    } else {
      refusePublish(client, topic, notAllowed(topic));
    }
  }

  private void publishAsGateway(ClientId client, WatsonTopic parsed, String topic, byte[] payload, int qos) {
    String self = WatsonRegistry.key(client.typeId(), client.deviceId());
    switch (parsed.kind()) {
      case OWN_EVENT -> accept(client, client.typeId(), client.deviceId(), parsed, payload, qos);
      case EVENT, DM_TO_PLATFORM -> {
        String type = parsed.typeId();
        String device = parsed.deviceId();
        WatsonRegistry.Device target = registry.get(type, device);
        if (target != null && target.gateway() && !WatsonRegistry.key(type, device).equals(self)) {
          refusePublish(client, topic, new Refusal(Notification.RC_TOPIC_NOT_ALLOWED,
              "a gateway may not publish for another gateway (" + target + ")"));
          return;
        }
        Runnable action = parsed.kind() == WatsonTopic.Kind.EVENT
            ? () -> accept(client, type, device, parsed, payload, qos)
            : () -> {
              if (dm != null) {
                dm.fromDevice(client, type, device, parsed.name(), payload);
              }
            };
        AutoRegistration.Refusal refusal = registration.register(self, type, device, action);
        if (refusal != null) {
          refusePublish(client, topic, new Refusal(refusal.rc(), refusal.message()));
        }
      }
      default -> refusePublish(client, topic, notAllowed(topic));
    }
  }

  private void publishAsApplication(ClientId client, WatsonTopic parsed, String topic, byte[] payload, int qos) {
    if (parsed.kind() != WatsonTopic.Kind.EVENT && parsed.kind() != WatsonTopic.Kind.COMMAND) {
      refusePublish(client, topic, notAllowed(topic));
      return;
    }
    if (registry.get(parsed.typeId(), parsed.deviceId()) == null) {
      refusePublish(client, topic, new Refusal("404", "no device " + parsed.typeId() + "/" + parsed.deviceId()));
      return;
    }
    if (parsed.kind() == WatsonTopic.Kind.EVENT) {
      accept(client, parsed.typeId(), parsed.deviceId(), parsed, payload, qos);
    } else {
      sendCommand(parsed.typeId(), parsed.deviceId(), parsed.name(), parsed.format(), payload, qos);
    }
  }

  private void accept(ClientId publisher, String typeId, String deviceId, WatsonTopic parsed, byte[] payload,
      int qos) {
    int q = Math.min(qos, 1);
    WatsonEvent event = new WatsonEvent(typeId, deviceId, parsed.name(), parsed.format(), payload,
        publisher.toString(), q, clock.getAsLong());
    int max = retention;
    synchronized (events) {
      if (max > 0) {
        events.addLast(event);
      }
      while (events.size() > max) {
        events.pollFirst();
      }
    }
    accepted.incrementAndGet();
    eventStream.onNext(event);
    WatsonLink l = link;
    if (l != null) {
      l.publish(WatsonTopic.event(typeId, deviceId, parsed.name(), parsed.format()).toString(), payload, q);
    }
    LOG.debug("watson emulator: {}", event);
  }

  /**
   * Delivers a command to device {@code typeId/deviceId}: to subscribers of its {@code iot-2/type/…/cmd/…} topic
   * (gateways, applications) and to the device's own connection ({@code iot-2/cmd/…}).
   */
  public void sendCommand(String typeId, String deviceId, String commandId, String format, byte[] payload,
      int qos) {
    WatsonLink l = link;
    if (l == null) {
      throw new IllegalStateException("the Watson emulator is not started");
    }
    int q = Math.min(qos, 1);
    l.publish(WatsonTopic.command(typeId, deviceId, commandId, format).toString(), payload, q);
    String own = "iot-2/cmd/" + commandId + "/fmt/" + format;
    l.publishToClient(ClientId.device(orgId, typeId, deviceId).toString(), own, payload, q);
    WatsonRegistry.Device device = registry.get(typeId, deviceId);
    if (device != null && device.gateway()) {
      l.publishToClient(ClientId.gateway(orgId, typeId, deviceId).toString(), own, payload, q);
    }
  }

  // ---------------------------------------------------------------- SUBSCRIBE

  /** Returns whether {@code client} may subscribe to {@code filter}; a gateway is notified of a refusal. */
  public boolean maySubscribe(ClientId client, String filter) {
    WatsonTopic parsed;
    try {
      parsed = WatsonTopic.parseFilter(filter);
    } catch (IllegalArgumentException e) {
      return refuseSubscribe(client, filter, diagnose(filter, e));
    }
    return switch (client.kind()) {
      case DEVICE -> parsed.kind() == WatsonTopic.Kind.OWN_COMMAND
          || parsed.kind() == WatsonTopic.Kind.OWN_DM_FROM_PLATFORM
          || refuseSubscribe(client, filter, notAllowed(filter));
      case GATEWAY -> gatewayMaySubscribe(client, parsed, filter);
      default -> switch (parsed.kind()) {
        case EVENT, COMMAND, DEVICE_STATUS, APP_STATUS -> true;
        default -> refuseSubscribe(client, filter, notAllowed(filter));
      };
    };
  }

  private boolean gatewayMaySubscribe(ClientId client, WatsonTopic parsed, String filter) {
    String self = WatsonRegistry.key(client.typeId(), client.deviceId());
    switch (parsed.kind()) {
      case OWN_COMMAND, DM_FROM_PLATFORM:
        return true;
      case NOTIFY:
        return WatsonRegistry.key(parsed.typeId(), parsed.deviceId()).equals(self)
            || refuseSubscribe(client, filter, new Refusal(Notification.RC_TOPIC_NOT_ALLOWED,
                "a gateway may subscribe only to its own notifications"));
      case COMMAND:
        if ("+".equals(parsed.typeId()) || "+".equals(parsed.deviceId())
            || registry.get(parsed.typeId(), parsed.deviceId()) != null) {
          return true;
        }
        AutoRegistration.Refusal refusal = registration.register(self, parsed.typeId(), parsed.deviceId(), () -> { });
        return refusal == null || refuseSubscribe(client, filter, new Refusal(refusal.rc(), refusal.message()));
      default:
        return refuseSubscribe(client, filter, notAllowed(filter));
    }
  }

  // ---------------------------------------------------------------- refusals and notifications

  private record Refusal(String rc, String message) {}

  private static Refusal notAllowed(String topic) {
    return new Refusal(Notification.RC_TOPIC_NOT_ALLOWED, "topic '" + topic + "' matches no rule of this client");
  }

  private static Refusal diagnose(String topic, IllegalArgumentException e) {
    String[] levels = topic.split("/", -1);
    if (levels.length >= 5 && levels[1].equals("type") && levels[3].equals("id")
        && (levels[0].equals("iot-2") || levels[0].equals("iotdevice-1") || levels[0].equals("iotdm-1"))) {
      if (!WatsonIds.isValidId(levels[2]) && !"+".equals(levels[2])) {
        return new Refusal(Notification.RC_INVALID_ID, "invalid device type: " + e.getMessage());
      }
      if (!WatsonIds.isValidId(levels[4]) && !"+".equals(levels[4])) {
        return new Refusal(Notification.RC_INVALID_ID, "invalid device id: " + e.getMessage());
      }
    }
    return new Refusal(Notification.RC_TOPIC_NOT_ALLOWED, e.getMessage());
  }

  private void refusePublish(ClientId client, String topic, Refusal refusal) {
    dropped.incrementAndGet();
    LOG.info("watson emulator: dropped PUBLISH of {} to '{}': {} {}", client, topic, refusal.rc(), refusal.message());
    notifyGateway(client, "publish", topic, refusal);
  }

  private boolean refuseSubscribe(ClientId client, String filter, Refusal refusal) {
    LOG.info("watson emulator: refused SUBSCRIBE of {} to '{}': {} {}", client, filter, refusal.rc(),
        refusal.message());
    notifyGateway(client, "subscribe", filter, refusal);
    return false;
  }

  private void notifyGateway(ClientId client, String request, String topic, Refusal refusal) {
    if (client.kind() != ClientId.Kind.GATEWAY) {
      return;
    }
    String[] levels = topic.split("/", -1);
    boolean typed = levels.length >= 5 && levels[1].equals("type") && levels[3].equals("id");
    Notification n = Notification.builder().request(request).timeMillis(clock.getAsLong()).topic(topic)
        .typeId(typed ? levels[2] : "").deviceId(typed ? levels[4] : "").clientId(client.toString())
        .rc(refusal.rc()).message(refusal.message()).build();
    notifications.add(n);
    WatsonLink l = link;
    if (l != null) {
      l.publishToClient(client.toString(), WatsonTopic.notify(client.typeId(), client.deviceId()).toString(),
          n.toJson().getBytes(StandardCharsets.UTF_8), 1);
    }
  }
}
