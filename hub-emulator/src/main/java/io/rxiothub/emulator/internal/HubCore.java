// The hub's behaviour, independent of the broker's API: authentication, authorization, telemetry, C2D, twins,
// methods. The HiveMQ extension feeds it events; it answers through a BrokerLink.
package io.rxiothub.emulator.internal;

import io.reactivex.rxjava3.core.Flowable;
import io.reactivex.rxjava3.core.Single;
import io.reactivex.rxjava3.processors.FlowableProcessor;
import io.reactivex.rxjava3.processors.PublishProcessor;
import io.rxiothub.emulator.CloudToDeviceMessage.State;
import io.rxiothub.emulator.DeviceIdentity;
import io.rxiothub.emulator.MethodResult;
import io.rxiothub.emulator.TelemetryMessage;
import io.rxiothub.sas.IotHubIds;
import io.rxiothub.sas.SasToken;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** All hub state and rules. Thread-safe; never calls the broker while holding its lock. */
public final class HubCore {

  private static final Logger LOG = LoggerFactory.getLogger(HubCore.class);

  /** D2C size limit: body + system property values + application property names and values (protocol.md §9). */
  public static final int MAX_D2C_BYTES = 256 * 1024;
  /** C2D limits (QT). */
  public static final int MAX_C2D_BYTES = 64 * 1024;
  /** Queue depth per device (QT). */
  public static final int MAX_C2D_QUEUE = 50;

  static final String TWIN_RES_FILTER = "$iothub/twin/res/#";
  static final String TWIN_DESIRED_FILTER = "$iothub/twin/PATCH/properties/desired/#";
  static final String METHODS_FILTER = "$iothub/methods/POST/#";
  private static final String TWIN_GET = "$iothub/twin/GET/";
  private static final String TWIN_PATCH_REPORTED = "$iothub/twin/PATCH/properties/reported/";
  private static final String METHODS_RES = "$iothub/methods/res/";
  private static final int PUBLISH_RETRIES = 100;

  private final Clock clock;
  private final ScheduledExecutorService timer;
  private final RegistryStore registry;
  private final TwinStore twins = new TwinStore();
  private final int telemetryRetention;
  private final Map<Identity, Session> sessions = new HashMap<>();
  private final Map<Identity, Deque<TelemetryMessage>> telemetry = new ConcurrentHashMap<>();
  private final FlowableProcessor<TelemetryMessage> telemetryStream = PublishProcessor.<TelemetryMessage>create()
      .toSerialized();
  private final Map<Identity, List<C2dEntry>> c2d = new HashMap<>();
  private final Map<String, PendingMethod> methods = new ConcurrentHashMap<>();
  private final AtomicLong ids = new AtomicLong();
  private final FaultInjector faults;
  private final Map<String, AtomicLong> accepted = new ConcurrentHashMap<>();
  private volatile @Nullable BrokerLink link;

  /** Per-identity connection state. Guarded by the HubCore lock. */
  private static final class Session {
    @Nullable String connectionId;
    boolean connected;
    boolean persistent;
    final Map<String, Integer> subscriptions = new LinkedHashMap<>();
    @Nullable ScheduledFuture<?> tokenExpiry;
    final Deque<C2dEntry> awaitingPacketId = new ArrayDeque<>();
    final Map<Integer, C2dEntry> inflight = new HashMap<>();
  }

  /** A direct method waiting for its response. */
  private record PendingMethod(Identity identity, io.reactivex.rxjava3.core.SingleEmitter<MethodResult> emitter,
      ScheduledFuture<?> timeout) {}

  /** The outcome of authenticating a CONNECT: 0 = accepted, else the MQTT 3.1.1 CONNACK return code. */
  public record AuthResult(int returnCode, String reason, @Nullable Identity identity, long tokenExpiry) {
    static AuthResult refuse(int code, String reason) {
      return new AuthResult(code, reason, null, 0);
    }
  }

  /** The Will of a CONNECT. */
  public record Will(String topic, byte[] payload, boolean retain) {}

  /** What a device PUBLISH is. */
  public enum PublishKind { TELEMETRY, TWIN_GET, TWIN_PATCH_REPORTED, METHOD_RESPONSE, FORBIDDEN }

  /** Creates the hub state. */
  public HubCore(String hostName, Clock clock, ScheduledExecutorService timer, int telemetryRetention) {
    this.clock = clock;
    this.timer = timer;
    this.telemetryRetention = telemetryRetention;
    this.registry = new RegistryStore(hostName, this::revoked);
    this.faults = new FaultInjector(timer, clientId -> {
      Identity identity = Identity.fromClientId(clientId);
      return identity != null && dropConnection(identity);
    });
  }

  /** How many connections of the client the hub accepted since it was built. */
  public long acceptedConnections(String clientId) {
    AtomicLong count = accepted.get(clientId);
    return count == null ? 0 : count.get();
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
    this.link = broker;
    if (broker == null) {
      List<Identity> online = new ArrayList<>();
      synchronized (this) {
        for (Map.Entry<Identity, Session> e : sessions.entrySet()) {
          if (e.getValue().connected) {
            online.add(e.getKey());
          }
        }
      }
      for (Identity identity : online) {
        Session session = session(identity);
        String connectionId;
        synchronized (this) {
          connectionId = session.connectionId;
        }
        if (connectionId != null) {
          disconnected(identity, connectionId, false, null);
        }
      }
      synchronized (this) {
        // The broker's sessions are gone: C2D in flight must be delivered again.
        sessions.values().forEach(this::requeueInflight);
      }
    }
  }

  // ---------------------------------------------------------------- connect

  /**
   * Authenticates a CONNECT (protocol.md §3, §9): MQTT 3.1.1 only, a well-formed client id of a registered and
   * enabled identity, a user name {@code {host}/{clientId}/…}, a valid unexpired SAS token covering the identity,
   * and a Will only on the identity's own telemetry topic.
   */
  public AuthResult authenticate(int protocolLevel, String clientId, @Nullable String userName,
      byte @Nullable [] password, @Nullable Will will) {
    if (protocolLevel != 4) {
      return AuthResult.refuse(1, "protocol level " + protocolLevel + " is not MQTT 3.1.1 (level 4)");
    }
    Identity identity = Identity.fromClientId(clientId);
    if (identity == null || !IotHubIds.isMqttSafe(clientId)) {
      return AuthResult.refuse(2, "client id '" + clientId + "' is not {deviceId} or {deviceId}/{moduleId}"
          + " of MQTT-safe ids");
    }
    int injected = faults.connackRefusal(clientId);
    if (injected != 0) {
      return AuthResult.refuse(injected, "CONNECT refused by fault injection");
    }
    DeviceIdentity registered = registry.get(identity).orElse(null);
    if (registered == null) {
      return AuthResult.refuse(5, "identity '" + clientId + "' is not registered");
    }
    if (!registered.enabled()) {
      return AuthResult.refuse(3, "identity '" + clientId + "' is disabled");
    }
    String expectedPrefix = (hostName() + "/" + clientId + "/").toLowerCase(Locale.ROOT);
    if (userName == null || !userName.toLowerCase(Locale.ROOT).startsWith(expectedPrefix)
        || !userName.startsWith(userName.substring(0, hostName().length()) + "/" + clientId + "/")) {
      return AuthResult.refuse(5, "user name must start with '" + hostName() + "/" + clientId + "/'");
    }
    logApiVersion(clientId, userName.substring(expectedPrefix.length()));
    if (password == null) {
      return AuthResult.refuse(5, "no password: a SAS token is required (X.509 is not supported by the emulator)");
    }
    SasToken token;
    try {
      token = SasToken.parse(new String(password, StandardCharsets.UTF_8));
    } catch (IllegalArgumentException e) {
      return AuthResult.refuse(5, "password is not a SAS token: " + e.getMessage());
    }
    String resource = identity.resourceUri(hostName());
    if (!token.covers(resource)) {
      return AuthResult.refuse(5, "SAS token resource '" + token.resourceUri() + "' does not cover '" + resource
          + "'");
    }
    long now = clock.instant().getEpochSecond();
    if (token.isExpired(now)) {
      return AuthResult.refuse(5, "SAS token expired at " + Instant.ofEpochSecond(token.expiryEpochSeconds()));
    }
    if (!signedWithKnownKey(token, registered)) {
      return AuthResult.refuse(5, "SAS token signature does not match the identity's keys"
          + (token.keyName() == null ? "" : " or policy '" + token.keyName() + "'"));
    }
    if (will != null) {
      Identity willTarget = identity;
      if (!will.topic().equals(willTarget.eventsTopic()) && !will.topic().startsWith(willTarget.eventsTopic() + "/")) {
        return AuthResult.refuse(5, "Will topic '" + will.topic() + "' is not the identity's telemetry topic '"
            + willTarget.eventsTopic() + "/'");
      }
    }
    return new AuthResult(0, "accepted", identity, token.expiryEpochSeconds());
  }

  private boolean signedWithKnownKey(SasToken token, DeviceIdentity registered) {
    try {
      if (token.keyName() != null) {
        String policyKey = registry.policyKey(token.keyName());
        return policyKey != null && token.verify(policyKey);
      }
      return token.verify(registered.primaryKey()) || token.verify(registered.secondaryKey());
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  private static void logApiVersion(String clientId, String rest) {
    if (!LOG.isDebugEnabled()) {
      return;
    }
    String query = rest.startsWith("?") ? rest.substring(1) : rest;
    String apiVersion = null;
    try {
      apiVersion = PropertyBags.decode(query).get("api-version");
    } catch (IllegalArgumentException e) {
      LOG.debug("hub emulator: {} sent a user name whose query is not a valid bag: {}", clientId, e.getMessage());
    }
    LOG.debug("hub emulator: {} connects with api-version {}", clientId, apiVersion == null ? "(none)" : apiVersion);
  }

  /**
   * Records an accepted connection; a previous connection of the same identity is being replaced by the broker.
   * Then restores a persistent session's subscriptions and delivers queued C2D.
   */
  public void connected(Identity identity, String connectionId, boolean persistent, long tokenExpiryEpochSeconds) {
    ScheduledFuture<?> previousExpiry;
    Map<String, Integer> restore;
    synchronized (this) {
      Session session = session(identity);
      if (session.connected) {
        LOG.info("hub emulator: new connection of {} replaces the existing one"
            + " (400027 ConnectionForcefullyClosedOnNewConnection)", identity);
      }
      if (!persistent) {
        requeueInflight(session);
      }
      previousExpiry = session.tokenExpiry;
      session.connectionId = connectionId;
      session.connected = true;
      if (!persistent) {
        session.subscriptions.clear();
      }
      session.persistent = persistent;
      restore = new LinkedHashMap<>(session.subscriptions);
      long delayMillis = Math.max(0, tokenExpiryEpochSeconds * 1000 - clock.millis());
      session.tokenExpiry = timer.schedule(() -> tokenExpired(identity, connectionId), delayMillis,
          TimeUnit.MILLISECONDS);
    }
    if (previousExpiry != null) {
      previousExpiry.cancel(false);
    }
    accepted.computeIfAbsent(identity.clientId(), k -> new AtomicLong()).incrementAndGet();
    LOG.info("hub emulator: {} connected ({} session)", identity, persistent ? "persistent" : "clean");
    if (restore.isEmpty()) {
      return;
    }
    restoreSubscriptions(identity, connectionId, restore, 0);
  }

  private void restoreSubscriptions(Identity identity, String connectionId, Map<String, Integer> subs, int attempt) {
    BrokerLink broker = link;
    if (broker == null || !isCurrent(identity, connectionId)) {
      return;
    }
    broker.addSubscriptions(identity.clientId(), subs).whenComplete((ok, error) -> {
      if (error == null) {
        LOG.debug("hub emulator: restored {} subscriptions of {}", subs.size(), identity);
        deliverC2d(identity);
      } else if (attempt < 100) {
        timer.schedule(() -> restoreSubscriptions(identity, connectionId, subs, attempt + 1), 10,
            TimeUnit.MILLISECONDS);
      } else {
        LOG.warn("hub emulator: could not restore the subscriptions of {}: {}", identity, error.toString());
      }
    });
  }

  private void tokenExpired(Identity identity, String connectionId) {
    BrokerLink broker = link;
    if (broker != null && isCurrent(identity, connectionId)) {
      LOG.info("hub emulator: SAS token of {} expired, closing its connection (401003 IoTHubUnauthorized)",
          identity);
      broker.disconnect(identity.clientId());
    }
  }

  private synchronized boolean isCurrent(Identity identity, String connectionId) {
    Session session = sessions.get(identity);
    return session != null && session.connected && connectionId.equals(session.connectionId);
  }

  /**
   * Records that a connection ended; an ungraceful end (no DISCONNECT) delivers the Will as telemetry with
   * {@code iothub-MessageType=Will}.
   */
  public void disconnected(Identity identity, String connectionId, boolean graceful, @Nullable Will will) {
    ScheduledFuture<?> expiry;
    synchronized (this) {
      Session session = sessions.get(identity);
      if (session == null || !connectionId.equals(session.connectionId) || !session.connected) {
        if (!graceful && will != null) {
          captureWill(identity, will);
        }
        return;
      }
      session.connected = false;
      expiry = session.tokenExpiry;
      session.tokenExpiry = null;
      if (!session.persistent) {
        // The broker drops a clean session's queue; a persistent one keeps C2D in flight and resends it.
        requeueInflight(session);
        session.subscriptions.clear();
      }
    }
    if (expiry != null) {
      expiry.cancel(false);
    }
    LOG.info("hub emulator: {} disconnected{}", identity, graceful ? "" : " (connection lost)");
    if (!graceful && will != null) {
      captureWill(identity, will);
    }
  }

  private void captureWill(Identity identity, Will will) {
    try {
      TelemetryMessage.Builder message = parseTelemetry(identity, will.topic(), will.payload());
      message.applicationProperty("iothub-MessageType", "Will");
      if (will.retain()) {
        message.applicationProperty("mqtt-retain", "true");
      }
      store(identity, message.build());
    } catch (IllegalArgumentException e) {
      LOG.warn("hub emulator: dropped the Will of {}: {}", identity, e.getMessage());
    }
  }

  private void requeueInflight(Session session) {
    for (C2dEntry entry : session.inflight.values()) {
      backToQueue(entry);
    }
    for (C2dEntry entry : session.awaitingPacketId) {
      backToQueue(entry);
    }
    session.inflight.clear();
    session.awaitingPacketId.clear();
  }

  private void backToQueue(C2dEntry entry) {
    if (entry.state == State.DELIVERED) {
      entry.moveTo(State.QUEUED);
    }
  }

  private Session session(Identity identity) {
    synchronized (this) {
      return sessions.computeIfAbsent(identity, k -> new Session());
    }
  }

  private void revoked(Identity identity) {
    BrokerLink broker = link;
    boolean online;
    synchronized (this) {
      Session session = sessions.get(identity);
      online = session != null && session.connected;
      if (registry.get(identity).isEmpty()) {
        sessions.remove(identity);
        twins.remove(identity);
        List<C2dEntry> queue = c2d.remove(identity);
        if (queue != null) {
          queue.forEach(e -> expire(e));
        }
      }
    }
    if (online && broker != null) {
      LOG.info("hub emulator: closing the connection of {} (deleted or disabled)", identity);
      broker.disconnect(identity.clientId());
    }
  }

  // ---------------------------------------------------------------- subscriptions

  /** Whether {@code identity} may subscribe to {@code filter} (protocol.md §4, "Ours — emulator authorization"). */
  public static boolean maySubscribe(Identity identity, String filter) {
    return filter.equals(identity.deviceboundTopic() + "/#")
        || filter.equals(TWIN_RES_FILTER)
        || filter.equals(TWIN_DESIRED_FILTER)
        || filter.equals(METHODS_FILTER);
  }

  /** Records an authorized subscription (QoS capped at 1). */
  public synchronized void subscribed(Identity identity, String filter, int qos) {
    session(identity).subscriptions.put(filter, Math.min(qos, 1));
  }

  /** Records an unsubscription. */
  public synchronized void unsubscribed(Identity identity, String filter) {
    session(identity).subscriptions.remove(filter);
  }

  /** Called once the broker acknowledged a SUBSCRIBE: queued C2D may now flow. */
  public void subscriptionsActive(Identity identity) {
    deliverC2d(identity);
  }

  private synchronized boolean isSubscribed(Identity identity, String filter) {
    Session session = sessions.get(identity);
    return session != null && session.connected && session.subscriptions.containsKey(filter);
  }

  /** Whether the identity is connected. */
  public synchronized boolean isConnected(Identity identity) {
    Session session = sessions.get(identity);
    return session != null && session.connected;
  }

  /** Closes the identity's connection without an MQTT close; returns whether it was connected. */
  public boolean dropConnection(Identity identity) {
    BrokerLink broker = link;
    if (broker == null || !isConnected(identity)) {
      return false;
    }
    LOG.info("hub emulator: dropping the connection of {} on request", identity);
    broker.disconnect(identity.clientId());
    return true;
  }

  // ---------------------------------------------------------------- publishes

  /** Classifies a device PUBLISH topic by the emulator's authorization rules. */
  public static PublishKind classify(Identity identity, String topic) {
    String events = identity.eventsTopic();
    if (topic.equals(events) || topic.startsWith(events + "/")) {
      return PublishKind.TELEMETRY;
    }
    if (topic.startsWith(TWIN_GET)) {
      return PublishKind.TWIN_GET;
    }
    if (topic.startsWith(TWIN_PATCH_REPORTED)) {
      return PublishKind.TWIN_PATCH_REPORTED;
    }
    if (topic.startsWith(METHODS_RES)) {
      return PublishKind.METHOD_RESPONSE;
    }
    return PublishKind.FORBIDDEN;
  }

  /**
   * Checks a PUBLISH before it is accepted; returns null when it may proceed, else why the connection must be
   * closed (forbidden topic, QoS 2, oversize telemetry, malformed bag or request).
   */
  public @Nullable String checkPublish(Identity identity, String topic, byte[] payload, int qos) {
    if (qos > 1) {
      return "PUBLISH with QoS 2 on '" + topic + "' (IoT Hub supports QoS 0 and 1)";
    }
    PublishKind kind = classify(identity, topic);
    switch (kind) {
      case FORBIDDEN:
        return "PUBLISH to '" + topic + "' is not allowed for this identity";
      case TELEMETRY:
        try {
          TelemetryMessage message = parseTelemetry(identity, topic, payload).build();
          long size = messageSize(message);
          if (size > MAX_D2C_BYTES) {
            return "telemetry of " + size + " bytes is over the 256 KB limit";
          }
        } catch (IllegalArgumentException e) {
          return "telemetry topic '" + topic + "' has a malformed property bag: " + e.getMessage();
        }
        return null;
      default:
        String query = requestQuery(topic, kind);
        if (query == null || rawParam(query, "$rid") == null) {
          return "request topic '" + topic + "' has no '?$rid=' query";
        }
        if (kind == PublishKind.METHOD_RESPONSE && methodStatus(topic) == null) {
          return "method response topic '" + topic + "' must be $iothub/methods/res/{status}/?$rid={rid}";
        }
        return null;
    }
  }

  /** Handles an accepted PUBLISH (after {@link #checkPublish} passed). */
  public void onPublish(Identity identity, String topic, byte[] payload, boolean retain) {
    PublishKind kind = classify(identity, topic);
    switch (kind) {
      case TELEMETRY -> {
        TelemetryMessage.Builder message = parseTelemetry(identity, topic, payload);
        Map<String, @Nullable String> application = message.build().applicationProperties();
        if (application.containsKey(FaultInjector.TYPE)) {
          // A fault request is for the hub, not for the back end: not captured, never acknowledged.
          faults.requested(identity.clientId(), application);
          return;
        }
        if (retain) {
          message.applicationProperty("mqtt-retain", "true");
        }
        store(identity, message.build());
        LOG.debug("hub emulator: telemetry from {} ({} bytes)", identity, payload.length);
      }
      case TWIN_GET -> twinGet(identity, rawParam(requestQuery(topic, kind), "$rid"));
      case TWIN_PATCH_REPORTED -> twinPatch(identity, rawParam(requestQuery(topic, kind), "$rid"), payload);
      case METHOD_RESPONSE -> methodResponse(identity, topic, payload);
      case FORBIDDEN -> LOG.warn("hub emulator: ignored a forbidden PUBLISH of {} to '{}'", identity, topic);
    }
  }

  private TelemetryMessage.Builder parseTelemetry(Identity identity, String topic, byte[] payload) {
    String rest = topic.substring(identity.eventsTopic().length());
    String bag = rest.startsWith("/") ? rest.substring(1) : rest;
    if (bag.endsWith("/")) {
      bag = bag.substring(0, bag.length() - 1);
    }
    if (bag.indexOf('/') >= 0) {
      throw new IllegalArgumentException("the bag contains a raw '/'");
    }
    Instant now = clock.instant();
    TelemetryMessage.Builder message = TelemetryMessage.builder()
        .deviceId(identity.deviceId())
        .moduleId(identity.moduleId())
        .payload(payload)
        .topic(topic)
        .enqueuedTime(now);
    for (Map.Entry<String, @Nullable String> e : PropertyBags.decode(bag).entrySet()) {
      if (e.getKey().startsWith("$.")) {
        message.systemProperty(e.getKey(), e.getValue());
      } else {
        message.applicationProperty(e.getKey(), e.getValue());
      }
    }
    message.systemProperty("iothub-connection-device-id", identity.deviceId());
    if (identity.moduleId() != null) {
      message.systemProperty("iothub-connection-module-id", identity.moduleId());
    }
    message.systemProperty("iothub-connection-auth-method", "{\"scope\":\"device\",\"type\":\"sas\"}");
    message.systemProperty("iothub-enqueuedtime", now.toString());
    return message;
  }

  private static long messageSize(TelemetryMessage message) {
    long size = message.payload().length;
    for (Map.Entry<String, @Nullable String> e : message.systemProperties().entrySet()) {
      if (!e.getKey().startsWith("iothub-")) {
        size += utf8Length(e.getValue());
      }
    }
    for (Map.Entry<String, @Nullable String> e : message.applicationProperties().entrySet()) {
      size += utf8Length(e.getKey()) + utf8Length(e.getValue());
    }
    return size;
  }

  private static int utf8Length(@Nullable String text) {
    return text == null ? 0 : text.getBytes(StandardCharsets.UTF_8).length;
  }

  private void store(Identity identity, TelemetryMessage message) {
    Deque<TelemetryMessage> deque = telemetry.computeIfAbsent(identity, k -> new ArrayDeque<>());
    synchronized (deque) {
      deque.addLast(message);
      while (deque.size() > telemetryRetention) {
        deque.removeFirst();
      }
    }
    telemetryStream.onNext(message);
  }

  /** Stored telemetry of one identity, oldest first. */
  public List<TelemetryMessage> telemetry(Identity identity) {
    Deque<TelemetryMessage> deque = telemetry.get(identity);
    if (deque == null) {
      return List.of();
    }
    synchronized (deque) {
      return List.copyOf(deque);
    }
  }

  /** Forgets stored telemetry of every identity. */
  public void clearTelemetry() {
    telemetry.clear();
  }

  /** The hot stream of captured telemetry (unbounded buffer per subscriber). */
  public Flowable<TelemetryMessage> telemetryStream() {
    return telemetryStream.onBackpressureBuffer();
  }

  private static @Nullable String requestQuery(String topic, PublishKind kind) {
    String prefix = switch (kind) {
      case TWIN_GET -> TWIN_GET;
      case TWIN_PATCH_REPORTED -> TWIN_PATCH_REPORTED;
      case METHOD_RESPONSE -> {
        int slash = topic.indexOf('/', METHODS_RES.length());
        yield slash < 0 ? null : topic.substring(0, slash + 1);
      }
      default -> null;
    };
    if (prefix == null || topic.length() <= prefix.length() || topic.charAt(prefix.length()) != '?') {
      return null;
    }
    return topic.substring(prefix.length() + 1);
  }

  private static @Nullable Integer methodStatus(String topic) {
    int slash = topic.indexOf('/', METHODS_RES.length());
    if (slash < 0) {
      return null;
    }
    try {
      return Integer.parseInt(topic.substring(METHODS_RES.length(), slash));
    } catch (NumberFormatException e) {
      return null;
    }
  }

  /** The raw (still encoded) value of {@code name} in {@code query}, so that it can be echoed byte for byte. */
  static @Nullable String rawParam(@Nullable String query, String name) {
    if (query == null) {
      return null;
    }
    for (String pair : query.split("&")) {
      int eq = pair.indexOf('=');
      String key = eq < 0 ? pair : pair.substring(0, eq);
      String decoded;
      try {
        decoded = io.rxiothub.sas.PercentEncoding.decode(key);
      } catch (IllegalArgumentException e) {
        continue;
      }
      if (decoded.equals(name) && eq >= 0) {
        return pair.substring(eq + 1);
      }
    }
    return null;
  }

  private void reply(Identity identity, String topic, byte[] payload) {
    publish(identity, topic, payload, 1).whenComplete((delivered, error) -> {
      if (error != null || !Boolean.TRUE.equals(delivered)) {
        LOG.warn("hub emulator: could not answer {} on '{}' (not subscribed to the response topic?)", identity,
            topic);
      }
    });
  }

  /**
   * Publishes to an identity. The broker may report "not subscribed" for a short while after it acknowledged a
   * SUBSCRIBE, so while our records say the identity is connected and subscribed, retry for up to a second.
   */
  private CompletableFuture<Boolean> publish(Identity identity, String topic, byte[] payload, int qos) {
    CompletableFuture<Boolean> result = new CompletableFuture<>();
    attemptPublish(identity, topic, payload, qos, 0, result);
    return result;
  }

  private void attemptPublish(Identity identity, String topic, byte[] payload, int qos, int attempt,
      CompletableFuture<Boolean> result) {
    BrokerLink broker = link;
    if (broker == null) {
      result.complete(false);
      return;
    }
    broker.publishToClient(identity.clientId(), topic, payload, qos).whenComplete((delivered, error) -> {
      if (error == null && Boolean.TRUE.equals(delivered)) {
        result.complete(true);
      } else if (attempt < PUBLISH_RETRIES && expectsTopic(identity, topic)) {
        timer.schedule(() -> attemptPublish(identity, topic, payload, qos, attempt + 1, result), 10,
            TimeUnit.MILLISECONDS);
      } else {
        result.complete(false);
      }
    });
  }

  /** Whether our records say the identity is connected and subscribed to a filter matching {@code topic}. */
  private synchronized boolean expectsTopic(Identity identity, String topic) {
    Session session = sessions.get(identity);
    if (session == null || !session.connected) {
      return false;
    }
    for (String filter : session.subscriptions.keySet()) {
      String prefix = filter.substring(0, filter.length() - 1);
      if (topic.startsWith(prefix)) {
        return true;
      }
    }
    return false;
  }

  // ---------------------------------------------------------------- twins

  private void twinGet(Identity identity, @Nullable String rid) {
    if (injectedTwinFailure(identity, rid)) {
      return;
    }
    reply(identity, "$iothub/twin/res/200/?$rid=" + rid, twins.deviceView(identity));
  }

  private void twinPatch(Identity identity, @Nullable String rid, byte[] body) {
    if (injectedTwinFailure(identity, rid)) {
      return;
    }
    try {
      long version = twins.patchReported(identity, body);
      reply(identity, "$iothub/twin/res/204/?$rid=" + rid + "&$version=" + version, new byte[0]);
    } catch (IllegalArgumentException e) {
      LOG.info("hub emulator: rejected the reported patch of {} with 400: {}", identity, e.getMessage());
      reply(identity, "$iothub/twin/res/400/?$rid=" + rid, errorBody(400004, e.getMessage()));
    }
  }

  private boolean injectedTwinFailure(Identity identity, @Nullable String rid) {
    int status = faults.takeTwinFailure(identity.clientId());
    if (status == 0) {
      return false;
    }
    LOG.info("hub emulator: fault: answered a twin request of {} with {}", identity, status);
    reply(identity, "$iothub/twin/res/" + status + "/?$rid=" + rid, errorBody(status * 1000 + 1,
        "injected fault: status " + status));
    return true;
  }

  /** Applies a desired patch and pushes it to the identity if it is connected and subscribed. */
  public long updateDesired(Identity identity, String jsonPatch) {
    requireRegistered(identity);
    TwinStore.DesiredUpdate update = twins.patchDesired(identity, jsonPatch);
    if (isSubscribed(identity, TWIN_DESIRED_FILTER)) {
      publish(identity, "$iothub/twin/PATCH/properties/desired/?$version=" + update.version(),
          update.notification(), 1);
    }
    return update.version();
  }

  /** The twin's service view. */
  public String twin(Identity identity) {
    requireRegistered(identity);
    return twins.serviceView(identity);
  }

  /** Merges a tags patch, returns the new twin version. */
  public long updateTags(Identity identity, String jsonPatch) {
    requireRegistered(identity);
    return twins.patchTags(identity, jsonPatch);
  }

  private void requireRegistered(Identity identity) {
    if (registry.get(identity).isEmpty()) {
      throw new IllegalArgumentException("identity '" + identity + "' does not exist in the registry");
    }
  }

  private static byte[] errorBody(int code, @Nullable String message) {
    String text = message == null ? "" : message.replace("\\", "\\\\").replace("\"", "\\\"");
    return ("{\"errorCode\":" + code + ",\"message\":\"" + text + "\"}").getBytes(StandardCharsets.UTF_8);
  }

  // ---------------------------------------------------------------- methods

  /** Invokes a direct method (cold: each subscription is one invocation). */
  public Single<MethodResult> invokeMethod(Identity identity, String methodName, @Nullable String payload,
      Duration timeout) {
    if (methodName == null || methodName.isEmpty() || methodName.contains("/") || methodName.contains("+")
        || methodName.contains("#")) {
      throw new IllegalArgumentException("methodName must be non-empty and contain no '/', '+' or '#'");
    }
    if (timeout == null || timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("timeout must be positive");
    }
    requireRegistered(identity);
    return Single.create(emitter -> {
      BrokerLink broker = link;
      if (broker == null || !isSubscribed(identity, METHODS_FILTER)) {
        emitter.onSuccess(MethodResult.of(404, new String(errorBody(404103, "device '" + identity
            + "' is not online or not subscribed to methods"), StandardCharsets.UTF_8)));
        return;
      }
      String rid = Long.toHexString(ids.incrementAndGet());
      ScheduledFuture<?> timer = this.timer.schedule(() -> {
        PendingMethod pending = methods.remove(rid);
        if (pending != null) {
          LOG.info("hub emulator: method '{}' on {} timed out (504101)", methodName, identity);
          pending.emitter().onSuccess(MethodResult.of(504, new String(errorBody(504101,
              "timed out waiting for the response from device '" + identity + "'"), StandardCharsets.UTF_8)));
        }
      }, timeout.toMillis(), TimeUnit.MILLISECONDS);
      methods.put(rid, new PendingMethod(identity, emitter, timer));
      emitter.setCancellable(() -> {
        PendingMethod pending = methods.remove(rid);
        if (pending != null) {
          pending.timeout().cancel(false);
        }
      });
      byte[] body = payload == null ? new byte[0] : payload.getBytes(StandardCharsets.UTF_8);
      publish(identity, "$iothub/methods/POST/" + methodName + "/?$rid=" + rid, body, 0)
          .whenComplete((delivered, error) -> {
            if (error != null || !Boolean.TRUE.equals(delivered)) {
              PendingMethod pending = methods.remove(rid);
              if (pending != null) {
                pending.timeout().cancel(false);
                pending.emitter().onSuccess(MethodResult.of(404, new String(errorBody(404103,
                    "device '" + identity + "' is not subscribed to methods"), StandardCharsets.UTF_8)));
              }
            }
          });
    });
  }

  private void methodResponse(Identity identity, String topic, byte[] payload) {
    Integer status = methodStatus(topic);
    String rid = rawParam(requestQuery(topic, PublishKind.METHOD_RESPONSE), "$rid");
    PendingMethod pending = rid == null ? null : methods.get(rid);
    if (pending == null || !pending.identity().equals(identity) || status == null) {
      LOG.info("hub emulator: ignored a method response from {} with unknown or expired $rid {}", identity, rid);
      return;
    }
    methods.remove(rid);
    pending.timeout().cancel(false);
    pending.emitter().onSuccess(MethodResult.of(status, new String(payload, StandardCharsets.UTF_8)));
  }

  // ---------------------------------------------------------------- cloud-to-device

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
    Map<String, @Nullable String> bag = new LinkedHashMap<>();
    String messageId = properties.get("$.mid");
    if (messageId == null) {
      messageId = UUID.randomUUID().toString();
    }
    bag.put("$.mid", messageId);
    bag.put("$.to", "/devices/" + deviceId + "/messages/devicebound");
    for (Map.Entry<String, @Nullable String> e : properties.entrySet()) {
      if (!e.getKey().equals("$.mid") && !e.getKey().equals("$.to")) {
        bag.put(e.getKey(), e.getValue());
      }
    }
    long size = payload.length;
    for (Map.Entry<String, @Nullable String> e : bag.entrySet()) {
      size += utf8Length(e.getKey()) + utf8Length(e.getValue());
    }
    if (size > MAX_C2D_BYTES) {
      throw new IllegalArgumentException("C2D message of " + size + " bytes is over the 64 KB limit");
    }
    Instant now = clock.instant();
    C2dEntry entry = new C2dEntry(messageId, device, payload.clone(), bag, now, now.plus(timeToLive));
    synchronized (this) {
      List<C2dEntry> queue = c2d.computeIfAbsent(device, k -> new ArrayList<>());
      if (queue.size() >= MAX_C2D_QUEUE) {
        throw new IllegalStateException("the C2D queue of device '" + deviceId + "' already holds "
            + MAX_C2D_QUEUE + " messages (403004 DeviceMaximumQueueDepthExceeded)");
      }
      queue.add(entry);
      entry.expiryTimer = timer.schedule(() -> expireIfPending(entry),
          Math.max(0, Duration.between(now, entry.expiryTime).toMillis()), TimeUnit.MILLISECONDS);
    }
    deliverC2d(device);
    return entry;
  }

  /** Restores a queued C2D message (persistence). */
  public synchronized void restoreC2d(C2dEntry entry) {
    c2d.computeIfAbsent(entry.target, k -> new ArrayList<>()).add(entry);
  }

  /** Creates an entry for restoring. */
  public static C2dEntry entry(String messageId, String deviceId, byte[] payload,
      Map<String, @Nullable String> properties, Instant enqueuedTime, Instant expiryTime) {
    return new C2dEntry(messageId, new Identity(deviceId, null), payload, properties, enqueuedTime, expiryTime);
  }

  /** Queued (not completed, not expired) C2D messages of every device, for persistence. */
  public synchronized List<C2dEntry> pendingC2d() {
    List<C2dEntry> out = new ArrayList<>();
    c2d.values().forEach(out::addAll);
    return out;
  }

  private void expireIfPending(C2dEntry entry) {
    synchronized (this) {
      if (entry.state == State.COMPLETED) {
        return;
      }
      List<C2dEntry> queue = c2d.get(entry.target);
      if (queue != null) {
        queue.remove(entry);
      }
      Session session = sessions.get(entry.target);
      if (session != null) {
        session.awaitingPacketId.remove(entry);
        session.inflight.values().remove(entry);
      }
      expire(entry);
    }
    LOG.info("hub emulator: C2D message {} for {} expired", entry.messageId, entry.target);
  }

  private static void expire(C2dEntry entry) {
    if (entry.expiryTimer != null) {
      entry.expiryTimer.cancel(false);
    }
    entry.moveTo(State.EXPIRED);
  }

  /** Publishes every QUEUED message of the device if it is connected and subscribed to devicebound. */
  public void deliverC2d(Identity device) {
    BrokerLink broker = link;
    if (broker == null || device.moduleId() != null) {
      return;
    }
    List<C2dEntry> toSend = new ArrayList<>();
    synchronized (this) {
      Session session = sessions.get(device);
      List<C2dEntry> queue = c2d.get(device);
      if (session == null || !session.connected || queue == null
          || !session.subscriptions.containsKey(device.deviceboundTopic() + "/#")) {
        return;
      }
      for (C2dEntry entry : queue) {
        if (entry.state == State.QUEUED && !session.awaitingPacketId.contains(entry)
            && !session.inflight.containsValue(entry)) {
          entry.deliveries++;
          session.awaitingPacketId.addLast(entry);
          toSend.add(entry);
        }
      }
    }
    for (C2dEntry entry : toSend) {
      publish(device, entry.topic, entry.payload, 1).whenComplete((delivered, error) -> {
        if (error == null && Boolean.TRUE.equals(delivered)) {
          synchronized (this) {
            Session session = sessions.get(device);
            // Skip when the connection ended meanwhile and the message went back to the queue.
            boolean stillSent = session != null
                && (session.awaitingPacketId.contains(entry) || session.inflight.containsValue(entry));
            if (entry.state == State.QUEUED && stillSent) {
              entry.moveTo(State.DELIVERED);
            }
          }
        } else {
          synchronized (this) {
            Session session = sessions.get(device);
            if (session != null) {
              session.awaitingPacketId.remove(entry);
            }
          }
          LOG.debug("hub emulator: C2D {} not delivered to {} yet (not subscribed)", entry.messageId, device);
        }
      });
    }
  }

  /** The broker is writing a PUBLISH to a client: bind its packet id to the C2D message it carries. */
  public void outboundPublish(Identity identity, String topic, int packetId) {
    if (!topic.startsWith(identity.deviceboundTopic())) {
      return;
    }
    synchronized (this) {
      Session session = sessions.get(identity);
      if (session == null) {
        return;
      }
      for (Iterator<C2dEntry> it = session.awaitingPacketId.iterator(); it.hasNext(); ) {
        C2dEntry entry = it.next();
        if (entry.topic.equals(topic)) {
          it.remove();
          session.inflight.put(packetId, entry);
          return;
        }
      }
    }
  }

  /** The device acknowledged a PUBLISH: completes the C2D message it carried. */
  public void puback(Identity identity, int packetId) {
    C2dEntry entry;
    synchronized (this) {
      Session session = sessions.get(identity);
      entry = session == null ? null : session.inflight.remove(packetId);
      if (entry == null) {
        return;
      }
      List<C2dEntry> queue = c2d.get(entry.target);
      if (queue != null) {
        queue.remove(entry);
      }
      if (entry.expiryTimer != null) {
        entry.expiryTimer.cancel(false);
      }
      if (entry.state == State.QUEUED) {
        entry.moveTo(State.DELIVERED);
      }
      entry.moveTo(State.COMPLETED);
    }
    LOG.debug("hub emulator: C2D {} completed by {}", entry.messageId, identity);
  }

  /** Fails every pending method call with 404 (the hub is stopping). */
  public void abandonMethods() {
    for (String rid : new ArrayList<>(methods.keySet())) {
      PendingMethod pending = methods.remove(rid);
      if (pending != null) {
        pending.timeout().cancel(false);
        pending.emitter().onSuccess(MethodResult.of(404, new String(errorBody(404103, "the hub stopped"),
            StandardCharsets.UTF_8)));
      }
    }
  }

  /** Next unique id for connections. */
  public String newConnectionId() {
    return "c" + ids.incrementAndGet();
  }
}
