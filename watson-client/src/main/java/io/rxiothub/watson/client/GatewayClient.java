// An IBM Watson IoT Platform gateway over MQTT (docs/protocol.md §14) on the rxiothub transport: events for itself
// and devices behind it, commands, notifications; reconnect, resubscribe and the offline queue come from transport.
package io.rxiothub.watson.client;

import io.reactivex.rxjava3.annotations.CheckReturnValue;
import io.reactivex.rxjava3.core.Completable;
import io.reactivex.rxjava3.core.Flowable;
import io.reactivex.rxjava3.core.Observable;
import io.rxiothub.transport.TransportState;
import io.rxiothub.transport.internal.ClientCore;
import io.rxiothub.transport.internal.MqttConnector.InboundPublish;
import io.rxiothub.watson.ClientId;
import io.rxiothub.watson.Notification;
import io.rxiothub.watson.WatsonTopic;
import io.rxiothub.watson.client.internal.DmAgent;
import io.rxiothub.watson.client.internal.Remanager;
import io.rxiothub.watson.client.internal.EventSends;
import org.jspecify.annotations.Nullable;
import org.reactivestreams.Publisher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Watson IoT gateway ({@code g:{org}:{type}:{id}}, token authentication, MQTT over TLS).
 *
 * <pre>{@code
 * GatewayClient gw = GatewayClient.builder().orgId("abc123").typeId("gwtype").deviceId("gw1").token(token).build();
 * gw.commands("sensor", "+").subscribe(c -> System.out.println(c));
 * gw.notifications().subscribe(n -> System.err.println(n));
 * gw.connect().blockingAwait();
 * gw.publishEvent(GatewayEvent.builder().device("sensor", "s1").eventId("status")
 *     .payload("{\"t\":21}".getBytes(UTF_8)).build()).blockingAwait();   // completes on PUBACK
 * gw.close();
 * }</pre>
 *
 * <p>Every operation is cold. Signals reach users on the callback scheduler, never on an I/O thread. Publishes made
 * while disconnected wait in the offline queue and are sent, in order, after the reconnect; subscriptions
 * ({@link #commands}, {@link #notifications}) are made on the first subscriber and again after every reconnect.
 * Errors are {@link WatsonException}s. Thread-safe.
 */
public final class GatewayClient implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(GatewayClient.class);

  private final ClientId clientId;
  private final ClientCore core;
  private final EventSends sends = new EventSends(GatewayEvent::payloadNoCopy, false);

  private final DeviceManagement management;
  /**
   * The one route of every command ({@code iot-2/type/+/id/+/cmd/+/fmt/+}) and the one of the notifications, made
   * once and shared: the transport hands a message to the first route that matches, so a route per call would
   * starve every later subscription whose filter overlaps an earlier one. Each {@link #commands} view filters.
   */
  private final Flowable<Command> commands;
  private final Flowable<Notification> notifications;

  private GatewayClient(ClientId clientId, ClientCore core, long dmTimeoutMillis) {
    this.clientId = clientId;
    this.core = core;
    this.commands = core.inbound(WatsonTopic.commandFilter("+", "+", "+", "+").toString(), this::command);
    this.notifications = core.inbound(WatsonTopic.notify(clientId.typeId(), clientId.deviceId()).toString(),
        this::notification);
    this.management = new DeviceManagement(new DmAgent(core, clientId, dmTimeoutMillis),
        new Remanager(core.settings().timeScheduler(), clientId.toString()), null);
  }

  /** Returns a new builder. */
  public static Builder builder() {
    return new Builder();
  }

  /** Returns the gateway's client id, {@code g:{org}:{type}:{id}}. */
  public String clientId() {
    return clientId.toString();
  }

  /**
   * Returns a cold Completable: each subscription asks for the connection and completes once connected; fails with
   * a {@link WatsonException} of kind {@code REFUSED} (not retried) or {@code CONNECTION} when the client gives up.
   */
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
   * Returns a cold Completable that publishes {@code event} on {@code iot-2/type/{t}/id/{d}/evt/{e}/fmt/{f}} and
   * completes on PUBACK (QoS 1) or once written (QoS 0). While disconnected the event waits in the offline queue.
   *
   * @throws IllegalArgumentException if {@code event} is null
   */
  @CheckReturnValue
  public Completable publishEvent(GatewayEvent event) {
    if (event == null) {
      throw new IllegalArgumentException("event must not be null");
    }
    return core.publish(sends.topic(event), event.payloadNoCopy(), event.qos() == 0, null);
  }

  /**
   * Returns a cold Flowable that sends every event of {@code events} (pulled as the in-flight window allows) and
   * emits each one's {@link EventResult} in order; an event that fails alone (expiry, full queue) is a failed
   * result, an error of the client ends the stream.
   *
   * @throws IllegalArgumentException if {@code events} is null
   */
  @CheckReturnValue
  public Flowable<EventResult> sendAll(Publisher<GatewayEvent> events) {
    if (events == null) {
      throw new IllegalArgumentException("events must not be null");
    }
    return core.sendAll(events, sends);
  }

  /**
   * Returns the hot stream of commands for devices matching {@code typeId}/{@code deviceId} (either may be
   * {@code +}), any command and format; see {@link #commands(String, String, String, String)}.
   *
   * @throws IllegalArgumentException if an argument is neither a valid id nor {@code +}
   */
  @CheckReturnValue
  public Flowable<Command> commands(String typeId, String deviceId) {
    return commands(typeId, deviceId, "+", "+");
  }

  /**
   * Returns the hot stream of commands matching the filter {@code iot-2/type/{t}/id/{d}/cmd/{c}/fmt/{f}} (each
   * level an id or {@code +}). Every stream returned here is a view of one subscription to
   * {@code iot-2/type/+/id/+/cmd/+/fmt/+}, made on the first subscriber and again after every reconnect: a command
   * reaches every subscriber whose filter matches it, and its PUBACK goes after all of them got it (the slowest
   * subscriber's backpressure holds further PUBACKs, also for the other views). A message on the filter that is not
   * a command is logged and skipped; the stream goes on.
   *
   * @throws IllegalArgumentException if an argument is neither a valid id nor {@code +}
   */
  @CheckReturnValue
  public Flowable<Command> commands(String typeId, String deviceId, String commandId, String format) {
    WatsonTopic.commandFilter(typeId, deviceId, commandId, format); // validates each level
    return commands.filter(c -> matches(typeId, c.typeId()) && matches(deviceId, c.deviceId())
        && matches(commandId, c.commandId()) && matches(format, c.format()));
  }

  /** Whether the filter level {@code level} (an id or {@code +}) matches {@code value}. */
  static boolean matches(String level, String value) {
    return "+".equals(level) || level.equals(value);
  }

  private @Nullable Command command(InboundPublish publish) {
    try {
      WatsonTopic topic = WatsonTopic.parse(publish.topic());
      if (topic.kind() == WatsonTopic.Kind.COMMAND) {
        return new Command(topic.typeId(), topic.deviceId(), topic.name(), topic.format(), publish.payload());
      }
    } catch (IllegalArgumentException e) {
      LOG.warn("{}: skipped a message on '{}' that is not a command: {}", clientId, publish.topic(), e.getMessage());
      return null;
    }
    LOG.warn("{}: skipped a message on '{}' that is not a command", clientId, publish.topic());
    return null;
  }

  /**
   * Returns the hot stream of the gateway's notifications ({@code iot-2/type/{t}/id/{d}/notify} of the gateway
   * itself, protocol.md §14.3), subscribed on the first subscriber and after every reconnect; every subscriber gets
   * each one (one route shared by all). A malformed notification is logged and skipped; the stream goes on.
   */
  @CheckReturnValue
  public Flowable<Notification> notifications() {
    return notifications;
  }

  private @Nullable Notification notification(InboundPublish publish) {
    try {
      return Notification.parse(publish.payload());
    } catch (IllegalArgumentException e) {
      LOG.warn("{}: skipped a malformed notification: {}", clientId, e.getMessage());
      return null;
    }
  }

  // ---------------------------------------------------------------- device management (protocol.md §14.5)

  /**
   * Returns the gateway's device management: manage and unmanage the gateway and devices behind it, location,
   * diagnostics, and the platform's requests (reboot, factory reset, firmware) with their answers.
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
    return "GatewayClient{" + clientId + ", " + core.currentState() + "}";
  }

  /** Builds a {@link GatewayClient}; the options are {@link ConnectionOptions}'s. */
  public static final class Builder extends ConnectionOptions<Builder> {

    private Builder() {}

    @Override
    Builder self() {
      return this;
    }

    /** Returns the client (not connected). @throws IllegalStateException if a required option is missing */
    public GatewayClient build() {
      ClientId id = o.clientId(true);
      return new GatewayClient(id, o.core(id), o.dmTimeoutMillis);
    }
  }
}
