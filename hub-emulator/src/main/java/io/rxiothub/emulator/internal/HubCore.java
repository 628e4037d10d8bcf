// The hub's behaviour, independent of the broker's API, wired from its parts: authentication, topic rules, sessions,
// telemetry, C2D, twins, methods. The HiveMQ extension feeds it events; it answers through a BrokerLink.
package io.rxiothub.emulator.internal;

import io.reactivex.rxjava3.core.Flowable;
import io.reactivex.rxjava3.core.Observable;
import io.reactivex.rxjava3.core.Single;
import io.reactivex.rxjava3.subjects.PublishSubject;
import io.reactivex.rxjava3.subjects.Subject;
import io.rxiothub.emulator.MethodResult;
import io.rxiothub.emulator.TelemetryMessage;
import io.rxiothub.emulator.internal.TopicRules.PublishKind;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** All hub state, by part, and the routing of broker events to the parts. Thread-safe. */
public final class HubCore {

  private static final Logger LOG = LoggerFactory.getLogger(HubCore.class);

  private final Clock clock;
  private final RegistryStore registry;
  private final TwinStore twins = new TwinStore();
  private final ServiceRecords records = new ServiceRecords();
  private final FaultInjector faults;
  private final Authentication authentication;
  private final TelemetryIntake telemetry;
  private final Publisher publisher;
  private final Sessions sessions;
  private final C2dQueue c2d;
  private final TwinRequests twinRequests;
  private final MethodCalls methods;
  private final AtomicLong ids = new AtomicLong();
  private final Subject<C2dEntry> c2dSent = PublishSubject.<C2dEntry>create().toSerialized();
  private final PnpShapes pnp = new PnpShapes();
  private final ClientCertificates clientCertificates = new ClientCertificates();
  private volatile @Nullable TelemetryRouting routing;

  /** Where module telemetry goes before the hub captures it: the edgeHub's routes (protocol.md §17.4). */
  public interface TelemetryRouting {
    /** Returns true when it took the accepted message (routed it), false to let the hub capture it. */
    boolean route(Identity identity, TelemetryMessage message, boolean retain);

    /** The broker acknowledged a SUBSCRIBE of {@code identity}: held input messages may now flow. */
    void subscriptionsActive(Identity identity);
  }

  /** Creates the hub state. */
  public HubCore(String hostName, Clock clock, ScheduledExecutorService timer, int telemetryRetention) {
    this.clock = clock;
    this.registry = new RegistryStore(hostName, clock, this::revoked);
    this.faults = new FaultInjector(timer, clientId -> {
      Identity identity = Identity.fromClientId(clientId);
      return identity != null && dropConnection(identity);
    });
    this.authentication = new Authentication(registry, faults::connackRefusal, clientCertificates);
    this.telemetry = new TelemetryIntake(clock, telemetryRetention);
    this.publisher = new Publisher(timer, this::expectsTopic);
    this.sessions = new Sessions(clock, timer, publisher, telemetry, this::subscriptionsActive);
    this.c2d = new C2dQueue(clock, timer, sessions, publisher);
    this.twinRequests = new TwinRequests(twins, faults, sessions, publisher, pnp);
    this.methods = new MethodCalls(timer, sessions, publisher, ids::incrementAndGet);
  }

  // The Publisher is built before the Sessions it consults, so it reaches them through here.
  private boolean expectsTopic(Identity identity, String topic) {
    return sessions.expectsTopic(identity, topic);
  }

  /** How many connections of the client the hub accepted since it was built. */
  public long acceptedConnections(String clientId) {
    return sessions.acceptedConnections(clientId);
  }

  /** The fault rules (protocol.md §10 and the Java fault API). */
  public FaultInjector faults() {
    return faults;
  }

  /** The registry. */
  public RegistryStore registry() {
    return registry;
  }

  /** The twins. */
  public TwinStore twins() {
    return twins;
  }

  /** The service face's durable records (jobs, feedback, file notifications). */
  public ServiceRecords records() {
    return records;
  }

  /** The C2D queues. */
  public C2dQueue c2d() {
    return c2d;
  }

  /** The hub host name. */
  public String hostName() {
    return registry.hostName();
  }

  /** The clock. */
  public Clock clock() {
    return clock;
  }

  /** Attaches the running broker (null when stopped: every session is then offline). */
  public void attach(@Nullable BrokerLink broker) {
    publisher.attach(broker);
    if (broker == null) {
      sessions.brokerStopped();
    }
  }

  /** Next unique id for connections. */
  public String newConnectionId() {
    return "c" + ids.incrementAndGet();
  }

  // ---------------------------------------------------------------- broker events

  /** The client certificate chains the TLS front holds for CONNECTs on their way to the broker. */
  public ClientCertificates clientCertificates() {
    return clientCertificates;
  }

  /** Authenticates a CONNECT now (see {@link Authentication#authenticate}). */
  public Authentication.Result authenticate(int protocolLevel, String clientId, @Nullable String userName,
      byte @Nullable [] password, @Nullable Will will) {
    Authentication.Result result = authentication.authenticate(protocolLevel, clientId, userName, password, will,
        clock.instant());
    if (result.identity() != null) {
      pnp.connected(result.identity(), userName);
    }
    return result;
  }

  /** Records an accepted connection (see {@link Sessions#connected}). */
  public void connected(Identity identity, String connectionId, boolean persistent, long tokenExpiryEpochSeconds) {
    sessions.connected(identity, connectionId, persistent, tokenExpiryEpochSeconds);
  }

  /** Records that a connection ended (see {@link Sessions#disconnected}). */
  public void disconnected(Identity identity, String connectionId, boolean graceful, @Nullable Will will) {
    sessions.disconnected(identity, connectionId, graceful, will);
  }

  /** Records an authorized subscription (QoS capped at 1). */
  public void subscribed(Identity identity, String filter, int qos) {
    sessions.subscribed(identity, filter, qos);
  }

  /** Records an unsubscription. */
  public void unsubscribed(Identity identity, String filter) {
    sessions.unsubscribed(identity, filter);
  }

  /** Called once the broker acknowledged a SUBSCRIBE: queued C2D and held input messages may now flow. */
  public void subscriptionsActive(Identity identity) {
    c2d.deliver(identity);
    TelemetryRouting r = routing;
    if (r != null) {
      r.subscriptionsActive(identity);
    }
  }

  /** Routes module telemetry through {@code routing} (the edgeHub) from now on. */
  public void routing(TelemetryRouting routing) {
    this.routing = routing;
  }

  /** Captures a message as the hub's telemetry of {@code identity} (an edgeHub route to {@code $upstream}). */
  public void captureTelemetry(Identity identity, TelemetryMessage message, boolean retain) {
    telemetry.capture(identity, message.toBuilder(), retain, message.payload().length);
  }

  /** Publishes to an identity (see {@link Publisher#publish}); completes with whether the broker took it. */
  public java.util.concurrent.CompletableFuture<Boolean> publish(Identity identity, String topic, byte[] payload,
      int qos) {
    return publisher.publish(identity, topic, payload, qos);
  }

  /**
   * Checks a PUBLISH before it is accepted; returns null when it may proceed, else why the connection must be
   * closed (forbidden topic, QoS 2, oversize telemetry, malformed bag or request).
   */
  public @Nullable String checkPublish(Identity identity, String topic, byte[] payload, int qos) {
    if (qos > 1) {
      return "PUBLISH with QoS 2 on '" + topic + "' (IoT Hub supports QoS 0 and 1)";
    }
    PublishKind kind = TopicRules.classify(identity, topic);
    return switch (kind) {
      case FORBIDDEN -> "PUBLISH to '" + topic + "' is not allowed for this identity";
      case TELEMETRY -> TelemetryIntake.problem(identity, topic, payload, clock.instant());
      default -> RequestGrammar.problem(topic, kind);
    };
  }

  /** Handles an accepted PUBLISH (after {@link #checkPublish} passed). */
  public void onPublish(Identity identity, String topic, byte[] payload, boolean retain) {
    PublishKind kind = TopicRules.classify(identity, topic);
    switch (kind) {
      case TELEMETRY -> {
        TelemetryMessage.Builder message = telemetry.parse(identity, topic, payload);
        Map<String, @Nullable String> application = message.build().applicationProperties();
        if (application.containsKey(FaultInjector.TYPE)) {
          // A fault request is for the hub, not for the back end: not captured, never acknowledged.
          faults.requested(identity.clientId(), application);
          return;
        }
        TelemetryRouting r = routing;
        if (r != null && identity.moduleId() != null && r.route(identity, message.build(), retain)) {
          return;
        }
        telemetry.capture(identity, message, retain, payload.length);
      }
      case TWIN_GET -> twinRequests.get(identity, RequestGrammar.rid(topic, kind));
      case TWIN_PATCH_REPORTED -> twinRequests.patchReported(identity, RequestGrammar.rid(topic, kind), payload);
      case METHOD_RESPONSE -> methods.response(identity, topic, payload);
      case FORBIDDEN -> LOG.warn("hub emulator: ignored a forbidden PUBLISH of {} to '{}'", identity, topic);
    }
  }

  /** The broker is writing a PUBLISH to a client: bind its packet id to the C2D message it carries. */
  public void outboundPublish(Identity identity, String topic, int packetId) {
    c2d.outboundPublish(identity, topic, packetId);
  }

  /** The device acknowledged a PUBLISH: completes the C2D message it carried. */
  public void puback(Identity identity, int packetId) {
    c2d.puback(identity, packetId);
  }

  private void revoked(Identity identity) {
    BrokerLink broker = publisher.link();
    boolean online = sessions.isConnected(identity);
    if (registry.get(identity).isEmpty()) {
      sessions.remove(identity);
      twins.remove(identity);
      c2d.removeDevice(identity);
    }
    if (online && broker != null) {
      LOG.info("hub emulator: closing the connection of {} (deleted or disabled)", identity);
      broker.disconnect(identity.clientId());
    }
  }

  // ---------------------------------------------------------------- service side

  /** Stored telemetry of one identity, oldest first. */
  public List<TelemetryMessage> telemetry(Identity identity) {
    return telemetry.telemetry(identity);
  }

  /** Forgets stored telemetry of every identity. */
  public void clearTelemetry() {
    telemetry.clear();
  }

  /** The hot stream of captured telemetry (unbounded buffer per subscriber). */
  public Flowable<TelemetryMessage> telemetryStream() {
    return telemetry.stream();
  }

  /** Whether the identity is connected. */
  public boolean isConnected(Identity identity) {
    return sessions.isConnected(identity);
  }

  /** Closes the identity's connection without an MQTT close; returns whether it was connected. */
  public boolean dropConnection(Identity identity) {
    return sessions.dropConnection(identity);
  }

  /**
   * Queues a C2D message for a device and tries to deliver it.
   *
   * @throws IllegalArgumentException if the device does not exist or the message is over 64 KB
   * @throws IllegalStateException if the device's queue already holds 50 messages
   */
  public C2dEntry sendCloudToDevice(String deviceId, byte[] payload, Map<String, @Nullable String> properties,
      Duration timeToLive) {
    Identity device = new Identity(deviceId, null);
    requireRegistered(device);
    C2dEntry entry = c2d.send(device, payload, properties, timeToLive);
    c2dSent.onNext(entry);
    return entry;
  }

  /** Every C2D message queued from now on, hot (the console follows their delivery states). */
  public Observable<C2dEntry> cloudToDeviceSent() {
    return c2dSent.hide();
  }

  /** Applies a desired patch and pushes it to the identity if it is connected and subscribed. */
  public long updateDesired(Identity identity, String jsonPatch) {
    requireRegistered(identity);
    return twinRequests.updateDesired(identity, jsonPatch);
  }

  /**
   * Applies a service patch of tags and desired (either may be null) in one durable write; a desired change is
   * pushed to the identity if it is connected and subscribed.
   *
   * @throws IllegalArgumentException if a patch is bad or breaks a twin limit (nothing changes)
   */
  public void updateTwin(Identity identity, @Nullable String tagsPatch, @Nullable String desiredPatch) {
    requireRegistered(identity);
    twinRequests.updateTwin(identity, tagsPatch, desiredPatch);
  }

  /** The twin's service view. */
  public String twin(Identity identity) {
    requireRegistered(identity);
    return twins.serviceView(identity);
  }

  /** The twin's current version as shared read-only nodes (TwinStore#snapshot). */
  public TwinStore.Snapshot twinSnapshot(Identity identity) {
    requireRegistered(identity);
    return twins.snapshot(identity);
  }

  /** Merges a tags patch, returns the new twin version. */
  public long updateTags(Identity identity, String jsonPatch) {
    requireRegistered(identity);
    return twins.patchTags(identity, jsonPatch);
  }

  /** Invokes a direct method (cold: each subscription is one invocation). */
  public Single<MethodResult> invokeMethod(Identity identity, String methodName, @Nullable String payload,
      Duration timeout) {
    MethodCalls.checkInvocation(methodName, timeout);
    requireRegistered(identity);
    return methods.invoke(identity, methodName, payload, timeout);
  }

  /** Fails every pending method call with 404 (the hub is stopping). */
  public void abandonMethods() {
    methods.abandon();
  }

  private void requireRegistered(Identity identity) {
    if (registry.get(identity).isEmpty()) {
      throw new IllegalArgumentException("identity '" + identity + "' does not exist in the registry");
    }
  }
}
