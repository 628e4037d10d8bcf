// A plain IBM Watson IoT Platform device over MQTT (docs/protocol.md §14): its own events, its own commands, device
// management for itself; the same transport, options and device management as GatewayClient.
package io.rxiothub.watson.client;

import io.reactivex.rxjava3.annotations.CheckReturnValue;
import io.reactivex.rxjava3.core.Completable;
import io.reactivex.rxjava3.core.Flowable;
import io.reactivex.rxjava3.core.Observable;
import io.rxiothub.transport.TransportState;
import io.rxiothub.transport.internal.ClientCore;
import io.rxiothub.transport.internal.MqttConnector.InboundPublish;
import io.rxiothub.watson.ClientId;
import io.rxiothub.watson.WatsonIds;
import io.rxiothub.watson.WatsonTopic;
import io.rxiothub.watson.client.internal.DmAgent;
import io.rxiothub.watson.client.internal.EventSends;
import io.rxiothub.watson.client.internal.Remanager;
import org.jspecify.annotations.Nullable;
import org.reactivestreams.Publisher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Watson IoT device ({@code d:{org}:{type}:{id}}, token authentication, MQTT over TLS or secure WebSocket) that
 * acts only for itself: events on {@code iot-2/evt/{e}/fmt/{f}}, commands on {@code iot-2/cmd/{c}/fmt/{f}}, device
 * management on {@code iotdevice-1/…} and {@code iotdm-1/…}.
 *
 * <pre>{@code
 * WatsonDeviceClient device = WatsonDeviceClient.builder().orgId("abc123").typeId("sensor").deviceId("s1")
 *     .token(token).build();
 * device.commands().subscribe(c -> System.out.println(c.commandId()));
 * device.connect().blockingAwait();
 * device.publishEvent(device.event("status", "{\"t\":21}".getBytes(UTF_8))).blockingAwait();  // on PUBACK
 * device.close();
 * }</pre>
 *
 * <p>Same threads, reconnect, resubscribe and offline queue as {@link GatewayClient}. Thread-safe.
 */
public final class WatsonDeviceClient implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(WatsonDeviceClient.class);

  private final ClientId clientId;
  private final ClientCore core;
  private final EventSends sends = new EventSends(GatewayEvent::payloadNoCopy, true);
  private final DeviceManagement management;
  /** The one route of every command ({@code iot-2/cmd/+/fmt/+}), shared by the filtered views; see GatewayClient. */
  private final Flowable<Command> commands;

  private WatsonDeviceClient(ClientId clientId, ClientCore core, long dmTimeoutMillis) {
    this.clientId = clientId;
    this.core = core;
    this.commands = core.inbound("iot-2/cmd/+/fmt/+", this::command);
    this.management = new DeviceManagement(new DmAgent(core, clientId, dmTimeoutMillis),
        new Remanager(core.settings().timeScheduler(), clientId.toString()), clientId);
  }

  /** Returns a new builder. */
  public static Builder builder() {
    return new Builder();
  }

  /** Returns the device's client id, {@code d:{org}:{type}:{id}}. */
  public String clientId() {
    return clientId.toString();
  }

  /** Returns a cold Completable that connects; see {@link GatewayClient#connect()}. */
  @CheckReturnValue
  public Completable connect() {
    return core.connect();
  }

  /**
   * Returns a cold Completable: waits for the answers a disposed firmware handler still owes the platform (at most
   * the DM time-out, see {@link DeviceManagement#handleFirmware}), stops reconnecting, lets in-flight events finish
   * (bounded) and disconnects.
   */
  @CheckReturnValue
  public Completable disconnect() {
    return management.owedAnswers().andThen(core.disconnect());
  }

  /** Returns the connection states: the current one, then each change, on the callback scheduler. */
  @CheckReturnValue
  public Observable<TransportState> connectionStates() {
    return core.connectionStates();
  }

  /**
   * Returns an event of this device (QoS 1, format {@code json}); change it with {@code toBuilder()}.
   *
   * @throws IllegalArgumentException if {@code eventId} breaks the id rule or the payload is null or too large
   */
  public GatewayEvent event(String eventId, byte[] payload) {
    return GatewayEvent.builder().device(clientId.typeId(), clientId.deviceId()).eventId(eventId).payload(payload)
        .build();
  }

  /**
   * Returns a cold Completable that publishes {@code event} on {@code iot-2/evt/{e}/fmt/{f}} and completes on PUBACK
   * (QoS 1) or once written (QoS 0); while disconnected it waits in the offline queue.
   *
   * @throws IllegalArgumentException if {@code event} is null or about another device
   */
  @CheckReturnValue
  public Completable publishEvent(GatewayEvent event) {
    requireOwn(event);
    return core.publish(sends.topic(event), event.payloadNoCopy(), event.qos() == 0, null);
  }

  /**
   * Returns a cold Flowable that sends every event of {@code events} and emits each one's {@link EventResult} in
   * order; see {@link GatewayClient#sendAll}. An event about another device ends the stream with an
   * {@link IllegalArgumentException}.
   *
   * @throws IllegalArgumentException if {@code events} is null
   */
  @CheckReturnValue
  public Flowable<EventResult> sendAll(Publisher<GatewayEvent> events) {
    if (events == null) {
      throw new IllegalArgumentException("events must not be null");
    }
    return core.sendAll(Flowable.fromPublisher(events).map(this::requireOwn), sends);
  }

  private GatewayEvent requireOwn(GatewayEvent event) {
    if (event == null) {
      throw new IllegalArgumentException("event must not be null");
    }
    if (!event.typeId().equals(clientId.typeId()) || !event.deviceId().equals(clientId.deviceId())) {
      throw new IllegalArgumentException("a device publishes only its own events: the event is about "
          + event.typeId() + "/" + event.deviceId() + ", the device is " + clientId.typeId() + "/"
          + clientId.deviceId() + " (use event(eventId, payload))");
    }
    return event;
  }

  /** Returns the hot stream of every command to this device; see {@link #commands(String, String)}. */
  @CheckReturnValue
  public Flowable<Command> commands() {
    return commands("+", "+");
  }

  /**
   * Returns the hot stream of the device's commands matching {@code iot-2/cmd/{c}/fmt/{f}} ({@code +} for any). Every
   * stream returned here is a view of one subscription to {@code iot-2/cmd/+/fmt/+}, made on the first subscriber
   * and after every reconnect: a command reaches every subscriber whose filter matches it, and its PUBACK goes after
   * all of them got it. A message that is not a command is logged and skipped.
   *
   * @throws IllegalArgumentException if an argument is neither a valid id nor {@code +}
   */
  @CheckReturnValue
  public Flowable<Command> commands(String commandId, String format) {
    WatsonIds.requireIdOrWildcard("commandId", commandId);
    WatsonIds.requireIdOrWildcard("format", format);
    return commands.filter(c -> GatewayClient.matches(commandId, c.commandId())
        && GatewayClient.matches(format, c.format()));
  }

  private @Nullable Command command(InboundPublish publish) {
    try {
      WatsonTopic topic = WatsonTopic.parse(publish.topic());
      if (topic.kind() == WatsonTopic.Kind.OWN_COMMAND) {
        return new Command(clientId.typeId(), clientId.deviceId(), topic.name(), topic.format(), publish.payload());
      }
      LOG.warn("{}: skipped a message on '{}' that is not a command", clientId, publish.topic());
    } catch (IllegalArgumentException e) {
      LOG.warn("{}: skipped a message on '{}' that is not a command: {}", clientId, publish.topic(), e.getMessage());
    }
    return null;
  }

  /**
   * Returns the device's own device management (protocol.md §14.5, §14.10): its methods take the device's own type
   * and id (any other is refused), on the device's topics {@code iotdevice-1/…} and {@code iotdm-1/…}.
   */
  public DeviceManagement management() {
    return management;
  }

  /** Closes at once: fails pending work, sends DISCONNECT, releases shared threads. Idempotent. */
  @Override
  public void close() {
    management.close();
    core.close();
  }

  @Override
  public String toString() {
    return "WatsonDeviceClient{" + clientId + ", " + core.currentState() + "}";
  }

  /** Builds a {@link WatsonDeviceClient}; the options are the same as a gateway's. */
  public static final class Builder extends ConnectionOptions<Builder> {

    private Builder() {}

    @Override
    Builder self() {
      return this;
    }

    /** Returns the client (not connected). @throws IllegalStateException if a required option is missing */
    public WatsonDeviceClient build() {
      ClientId id = o.clientId(false);
      return new WatsonDeviceClient(id, o.core(id), o.dmTimeoutMillis);
    }
  }
}
