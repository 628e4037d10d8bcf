// The Watson IoT side of the gateway (protocol.md §18.3): one GatewayClient for every Watson leaf, the leaves'
// sessions, commands routed down, notifications logged and counted, each leaf's events forwarded in order.
package io.rxiothub.gateway.internal;

import io.reactivex.rxjava3.disposables.CompositeDisposable;
import io.rxiothub.gateway.WatsonLeaf;
import io.rxiothub.gateway.WatsonUpstream;
import io.rxiothub.transport.QueuePolicy;
import io.rxiothub.transport.TransportState;
import io.rxiothub.watson.Notification;
import io.rxiothub.watson.client.Command;
import io.rxiothub.watson.client.GatewayClient;
import io.rxiothub.watson.client.WatsonException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import javax.net.ssl.TrustManagerFactory;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The Watson leaves and their one upstream connection. Thread-safe. */
public final class WatsonRelay {

  private static final Logger LOG = LoggerFactory.getLogger(WatsonRelay.class);
  /** A refused gateway CONNECT (a wrong token) is not retried by the client: the relay tries again this late. */
  private static final long REFUSED_RETRY_SECONDS = 30;

  private final WatsonUpstream config;
  private final Downstream down;
  private final ScheduledExecutorService timer;
  private final @Nullable TrustManagerFactory trust;
  private final WatsonMetrics watsonMetrics = new WatsonMetrics();
  private final Map<String, WatsonLeafQueue> queues = new LinkedHashMap<>();
  /** Client id of a connected leaf → its connection id (the newest). */
  private final Map<String, String> sessions = new ConcurrentHashMap<>();
  private final AtomicLong messageIds = new AtomicLong();
  private final String idPrefix = Long.toString(System.currentTimeMillis(), 36) + "-";
  private volatile @Nullable GatewayClient client;
  private volatile TransportState.Status status = TransportState.Status.DISCONNECTED;
  private final CompositeDisposable subscriptions = new CompositeDisposable();
  private boolean closed;

  /** Creates the relay of {@code config}'s leaves; nothing connects before {@link #start()}. */
  WatsonRelay(WatsonUpstream config, Forwarding forwarding, Downstream down) {
    this.config = config;
    this.down = down;
    this.timer = forwarding.timer;
    Path ca = config.caFile();
    this.trust = ca == null ? null : trust(UpstreamFactory.certificates(ca));
    for (WatsonLeaf leaf : config.leaves()) {
      String key = leaf.clientId(config.orgId());
      queues.put(key, new WatsonLeafQueue(leaf, key, forwarding, () -> client, watsonMetrics));
    }
  }

  /** The CONNECT rules of these leaves. */
  public WatsonLeafAuth auth() {
    return new WatsonLeafAuth(config.orgId(), config.leaves());
  }

  /** Opens the upstream connection and resumes what the store holds for the leaves. */
  public void start() {
    connectUpstream();
  }

  /** Whether {@code key} (a store key, a client id) is one of these leaves'. */
  public boolean isLeaf(String key) {
    return queues.containsKey(key);
  }

  // ---------------------------------------------------------------- upstream

  private void connectUpstream() {
    GatewayClient created;
    synchronized (this) {
      if (closed) {
        return;
      }
      GatewayClient.Builder b = GatewayClient.builder().orgId(config.orgId())
          .typeId(config.gatewayType()).deviceId(config.gatewayId()).token(config.token())
          .host(config.connectHost()).port(config.port())
          .reconnectDelays(200, 10_000) // and never gives up (the default): the store keeps the events meanwhile
          .offlineQueue(Math.max(1_000, queues.size() * WatsonLeafQueue.WINDOW + 64), QueuePolicy.FAIL);
      if (trust != null) {
        b.trustManagerFactory(trust);
      }
      created = b.build();
      client = created;
      subscriptions.add(created.connectionStates().subscribe(state -> onState(created, state)));
      subscriptions.add(created.commands("+", "+").subscribe(this::onCommand,
          error -> LOG.warn("gateway: the Watson command stream ended: {}", error.toString())));
      subscriptions.add(created.notifications().subscribe(this::onNotification,
          error -> LOG.warn("gateway: the Watson notification stream ended: {}", error.toString())));
    }
    created.connect().subscribe(() -> {
      LOG.info("gateway: Watson IoT connection {} is up ({}:{})", config.gatewayClientId(), config.connectHost(),
          config.port());
      kickAll();
    }, error -> upstreamFailed(created, error));
  }

  private void onState(GatewayClient source, TransportState state) {
    if (source != client) {
      return;
    }
    TransportState.Status was = status;
    status = state.status();
    if (state.status() == TransportState.Status.DISCONNECTED && state.reason() != TransportState.Reason.CREATED
        && state.reason() != TransportState.Reason.USER_CONNECT
        && state.reason() != TransportState.Reason.USER_DISCONNECT) {
      // The client stopped on its own (refused, taken over): make a new one later.
      Throwable error = state.error();
      upstreamFailed(source, error != null ? error : new IllegalStateException("stopped: " + state.reason()));
      return;
    }
    if (was == TransportState.Status.CONNECTED && state.status() != TransportState.Status.CONNECTED) {
      LOG.warn("gateway: Watson IoT connection {} lost ({}); events wait in the store", config.gatewayClientId(),
          state.reason());
    } else if (was != TransportState.Status.CONNECTED && state.status() == TransportState.Status.CONNECTED) {
      kickAll();
    }
  }

  private void upstreamFailed(GatewayClient failed, Throwable error) {
    synchronized (this) {
      if (client != failed || closed) {
        return;
      }
      client = null;
      status = TransportState.Status.DISCONNECTED;
      subscriptions.clear();
    }
    boolean refused = error instanceof WatsonException w && w.kind() == WatsonException.Kind.REFUSED;
    LOG.error("gateway: Watson IoT connection {} {}: {}; trying again in {} s", config.gatewayClientId(),
        refused ? "refused (check the gateway's token)" : "failed", error.getMessage(), REFUSED_RETRY_SECONDS);
    failed.close();
    try {
      timer.schedule(this::connectUpstream, REFUSED_RETRY_SECONDS, TimeUnit.SECONDS);
    } catch (RejectedExecutionException e) {
      // stopping
    }
  }

  private void kickAll() {
    queues.values().forEach(WatsonLeafQueue::kickLater);
  }

  /** Resumes the leaf stored under {@code key} (at start: what an earlier run left). */
  public void resume(String key) {
    WatsonLeafQueue queue = queues.get(key);
    if (queue != null) {
      queue.kickLater();
    }
  }

  // ---------------------------------------------------------------- commands and notifications

  private void onCommand(Command command) {
    String clientId = "d:" + config.orgId() + ":" + command.typeId() + ":" + command.deviceId();
    if (!queues.containsKey(clientId) || !sessions.containsKey(clientId)) {
      watsonMetrics.commandsDropped.incrementAndGet();
      LOG.debug("gateway: command {} for {}/{} dropped: {}", command.commandId(), command.typeId(),
          command.deviceId(), queues.containsKey(clientId) ? "the leaf is not connected" : "not a Watson leaf");
      return;
    }
    down.publish(clientId, WatsonLeafTopics.commandTopic(command.commandId(), command.format()), command.payload(), 1)
        .whenComplete((taken, error) -> {
          if (error == null && Boolean.TRUE.equals(taken)) {
            watsonMetrics.commandsDelivered.incrementAndGet();
          } else {
            watsonMetrics.commandsDropped.incrementAndGet();
            LOG.debug("gateway: Watson leaf {} did not take command {} (not subscribed)", clientId,
                command.commandId());
          }
        });
  }

  private void onNotification(Notification n) {
    watsonMetrics.notification(n.rc());
    LOG.warn("gateway: Watson IoT notification RC {} for {} '{}' ({}/{}): {}", n.rc(), n.request(), n.topic(),
        n.typeId(), n.deviceId(), n.message());
  }

  // ---------------------------------------------------------------- leaves

  /** Leaf {@code clientId} connected downstream as connection {@code connection}. */
  public void online(String clientId, String connection) {
    sessions.put(clientId, connection);
    LOG.info("gateway: Watson leaf {} connected", clientId);
  }

  /** Connection {@code connection} of leaf {@code clientId} ended (a newer one is left alone). */
  public void offline(String clientId, String connection) {
    if (sessions.remove(clientId, connection)) {
      LOG.info("gateway: Watson leaf {} disconnected", clientId);
    }
  }

  /** Stores an event of leaf {@code clientId}; {@code done} as {@link WatsonLeafQueue#event}. */
  public void event(String clientId, WatsonLeafTopics.Event event, byte[] payload,
      Consumer<@Nullable Throwable> done) {
    WatsonLeafQueue queue = queues.get(clientId);
    if (queue == null) {
      done.accept(new IllegalStateException(clientId + " is not a Watson leaf"));
      return;
    }
    queue.event(event, payload, idPrefix + Long.toString(messageIds.incrementAndGet(), 36), done);
  }

  /** A PUBLISH of a leaf that is not carried (logged by the caller). */
  void publishDropped() {
    watsonMetrics.publishesDropped.incrementAndGet();
  }

  /** The leaves connected downstream. */
  public int leavesOnline() {
    return sessions.size();
  }

  /** 2 while the upstream connection is up, else 1 (it always exists while the gateway runs). */
  public int upstreamState() {
    return status == TransportState.Status.CONNECTED ? 2 : 1;
  }

  /** Appends the Watson metrics. */
  public void metricsText(StringBuilder out) {
    watsonMetrics.text(out, upstreamState() == 2);
  }

  /**
   * Closes the upstream client; what it has not acknowledged stays in the store. The gateway closes the forwarders
   * first (so that the sends this close fails are not reported).
   */
  public void close() {
    GatewayClient last;
    synchronized (this) {
      closed = true;
      last = client;
      client = null;
      subscriptions.dispose();
    }
    if (last != null) {
      last.close();
    }
  }

  private static TrustManagerFactory trust(X509Certificate[] certificates) {
    try {
      KeyStore keyStore = KeyStore.getInstance(KeyStore.getDefaultType());
      keyStore.load(null, null);
      for (int i = 0; i < certificates.length; i++) {
        keyStore.setCertificateEntry("ca-" + i, certificates[i]);
      }
      TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      factory.init(keyStore);
      return factory;
    } catch (GeneralSecurityException | java.io.IOException e) {
      throw new IllegalArgumentException("cannot trust the Watson CA file's certificates: " + e.getMessage(), e);
    }
  }
}
