// One leaf behind the gateway: its downstream session (subscriptions, twin requests, method replies), its upstream
// DeviceClient (the leaf's own identity) and the forwarding of its stored telemetry (protocol.md §18.1, §18.2).
package io.rxiothub.gateway.internal;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.reactivex.rxjava3.core.Completable;
import io.reactivex.rxjava3.core.Single;
import io.reactivex.rxjava3.core.SingleEmitter;
import io.reactivex.rxjava3.disposables.Disposable;
import io.reactivex.rxjava3.subscribers.DisposableSubscriber;
import io.rxiothub.device.CloudMessage;
import io.rxiothub.device.ConnectionState;
import io.rxiothub.device.IotHubClient;
import io.rxiothub.device.IotHubRequestException;
import io.rxiothub.gateway.LeafDevice;
import io.rxiothub.gateway.store.ForwardMessage;
import io.rxiothub.gateway.store.StoredMessage;
import io.rxiothub.methods.MethodRequest;
import io.rxiothub.methods.MethodResponse;
import io.rxiothub.methods.MethodTopic;
import io.rxiothub.sas.MessageTopic;
import io.rxiothub.twin.TwinPatch;
import io.rxiothub.twin.TwinTopic;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The relay of one leaf. Thread-safe: its state is guarded by its monitor; no I/O is waited for under it. */
public final class LeafRelay {

  private static final Logger LOG = LoggerFactory.getLogger(LeafRelay.class);
  /** Sends in flight upstream per leaf (below the upstream client's queue). */
  static final int WINDOW = 256;

  private final LeafDevice leaf;
  private final String id;
  private final UpstreamFactory factory;
  private final Downstream down;
  private final Metrics metrics;
  private final ScheduledExecutorService timer;
  private final Forwarder forwarder;

  private @Nullable IotHubClient upstream;
  private @Nullable String connectionId;
  private final EnumSet<LeafTopics.Subscription> pending = EnumSet.noneOf(LeafTopics.Subscription.class);
  private final EnumSet<LeafTopics.Subscription> active = EnumSet.noneOf(LeafTopics.Subscription.class);
  private @Nullable Disposable cloudMessages;
  private @Nullable Disposable desired;
  private final Map<String, SingleEmitter<MethodResponse>> calls = new HashMap<>();
  private long lastRid;
  private boolean closed;
  /** Why the upstream client could not be made last time (logged once until it changes or succeeds). */
  private @Nullable String createFailure;

  /** Creates the relay of {@code leaf}, forwarding with {@code forwarding}'s store, metrics, timer and executor. */
  LeafRelay(LeafDevice leaf, UpstreamFactory factory, Forwarding forwarding, Downstream down) {
    this.leaf = leaf;
    this.id = leaf.clientId();
    this.factory = factory;
    this.down = down;
    this.metrics = forwarding.metrics;
    this.timer = forwarding.timer;
    this.forwarder = new Forwarder(id, "telemetry of leaf " + id, WINDOW, forwarding, new Upstream());
  }

  /** The leaf's MQTT client id downstream: its device id, or {@code {device}/{module}} (its key in the store). */
  public String deviceId() {
    return id;
  }

  // ---------------------------------------------------------------- downstream session

  /** The leaf connected downstream as connection {@code connection}. */
  public synchronized void online(String connection) {
    connectionId = connection;
    pending.clear();
    active.clear();
    LOG.info("gateway: leaf {} connected", id);
    ensureUpstream();
  }

  /** Connection {@code connection} of the leaf ended (a newer one of the same leaf is left alone). */
  public void offline(String connection) {
    Map<String, SingleEmitter<MethodResponse>> orphans;
    synchronized (this) {
      if (!connection.equals(connectionId)) {
        return;
      }
      connectionId = null;
      pending.clear();
      active.clear();
      dispose();
      orphans = new HashMap<>(calls);
      calls.clear();
      LOG.info("gateway: leaf {} disconnected", id);
    }
    orphans.values().forEach(call -> call.onSuccess(notConnected()));
    closeIfIdle();
  }

  /** Returns whether the leaf is connected downstream. */
  public synchronized boolean isOnline() {
    return connectionId != null;
  }

  /** Returns whether the leaf's upstream client exists, and whether it is connected. */
  synchronized int upstreamState() {
    IotHubClient client = upstream;
    if (client == null) {
      return 0;
    }
    return client.connectionState().status() == ConnectionState.Status.CONNECTED ? 2 : 1;
  }

  /** The leaf asked for {@code kind} on connection {@code connection} (active at its SUBACK). */
  public synchronized void subscribing(@Nullable String connection, LeafTopics.Subscription kind) {
    if (connection != null && connection.equals(connectionId)) {
      pending.add(kind);
    }
  }

  /** The broker holds what connection {@code connection} subscribed: start delivering it. */
  public synchronized void subscriptionsActive(@Nullable String connection) {
    if (connection == null || !connection.equals(connectionId)) {
      return;
    }
    active.addAll(pending);
    pending.clear();
    activate();
  }

  private void activate() {
    IotHubClient client = upstream;
    if (client == null) {
      return;
    }
    if (active.contains(LeafTopics.Subscription.CLOUD_MESSAGES) && cloudMessages == null) {
      CloudMessageSubscriber subscriber = new CloudMessageSubscriber();
      cloudMessages = subscriber;
      client.cloudMessages().subscribe(subscriber);
    }
    if (active.contains(LeafTopics.Subscription.DESIRED_UPDATES) && desired == null) {
      desired = client.twin().desiredUpdates().subscribe(patch -> toLeaf(
          TwinTopic.desiredPatch(patch.version() == null ? 0 : patch.version()).format(), patch.toJsonBytes()));
    }
  }

  private void dispose() {
    if (cloudMessages != null) {
      cloudMessages.dispose();
      cloudMessages = null;
    }
    if (desired != null) {
      desired.dispose();
      desired = null;
    }
  }

  /** A leaf's PUBLISH other than telemetry: a twin request or a method reply. */
  public void onPublish(LeafTopics.Kind kind, String topic, byte[] payload) {
    IotHubClient client;
    synchronized (this) {
      client = upstream;
    }
    switch (kind) {
      case TWIN_GET -> {
        String rid = TwinTopic.parse(topic).rid();
        if (client == null || rid == null) {
          twinReply(503, rid, null, new byte[0]);
          return;
        }
        client.twin().get().subscribe(twin -> twinReply(200, rid, null, twin.toJson().getBytes(UTF_8)),
            error -> twinReply(status(error), rid, null, new byte[0]));
      }
      case TWIN_PATCH_REPORTED -> {
        String rid = TwinTopic.parse(topic).rid();
        TwinPatch patch;
        try {
          patch = TwinPatch.parse(payload);
        } catch (IllegalArgumentException e) {
          twinReply(400, rid, null, new byte[0]);
          return;
        }
        if (client == null || rid == null) {
          twinReply(503, rid, null, new byte[0]);
          return;
        }
        client.twin().updateReported(patch).subscribe(version -> twinReply(204, rid, version, new byte[0]),
            error -> twinReply(status(error), rid, null, new byte[0]));
      }
      case METHOD_RESPONSE -> {
        MethodTopic reply = MethodTopic.parse(topic);
        SingleEmitter<MethodResponse> call;
        synchronized (this) {
          call = calls.remove(reply.rid());
        }
        if (call != null) {
          try {
            call.onSuccess(MethodResponse.builder().status(reply.status()).payload(payload).build());
          } catch (IllegalArgumentException e) {
            call.onSuccess(MethodResponse.ofJson(413, "{\"message\":\"method reply too large\"}"));
          }
        }
      }
      default -> LOG.debug("gateway: leaf {} published on {}: ignored", id, topic);
    }
  }

  private void twinReply(int status, @Nullable String rid, @Nullable Long version, byte[] body) {
    if (rid != null) {
      toLeaf(TwinTopic.response(status, rid, version).format(), body);
    }
  }

  private static int status(Throwable error) {
    return error instanceof IotHubRequestException request ? request.status() : 503;
  }

  private void toLeaf(String topic, byte[] payload) {
    down.publish(id, topic, payload, 1).whenComplete((taken, error) -> {
      if (error != null || !Boolean.TRUE.equals(taken)) {
        LOG.debug("gateway: leaf {} did not take {}", id, topic);
      }
    });
  }

  // ---------------------------------------------------------------- methods (upstream → leaf)

  private Single<MethodResponse> onMethod(MethodRequest request) {
    return Single.create(call -> {
      String rid;
      synchronized (this) {
        if (connectionId == null || !active.contains(LeafTopics.Subscription.METHODS)) {
          metrics.methodsNotConnected.incrementAndGet();
          call.onSuccess(notConnected());
          return;
        }
        rid = Long.toString(++lastRid, 36);
        calls.put(rid, call);
      }
      call.setCancellable(() -> {
        synchronized (this) {
          calls.remove(rid);
        }
      });
      down.publish(id, MethodTopic.request(request.methodName(), rid).format(), request.payload(), 1)
          .whenComplete((taken, error) -> {
            if (error != null || !Boolean.TRUE.equals(taken)) {
              SingleEmitter<MethodResponse> lost;
              synchronized (this) {
                lost = calls.remove(rid);
              }
              if (lost != null) {
                lost.onSuccess(notConnected());
              }
            }
          });
    });
  }

  private MethodResponse notConnected() {
    return MethodResponse.ofJson(404, "{\"message\":\"device " + id + " is not connected to the gateway\"}");
  }

  // ---------------------------------------------------------------- telemetry (leaf → store → upstream)

  /**
   * Stores a leaf's telemetry; {@code done} gets null once the record is durable (the PUBACK may go), or the error
   * (the message is not kept: the leaf's connection is closed unacknowledged).
   */
  public void telemetry(String topic, byte[] payload, Consumer<@Nullable Throwable> done) {
    ForwardMessage record;
    try {
      record = TelemetryMapping.toRecord(topic, payload);
      TelemetryMapping.toMessage(record); // refuse now what could never be sent
    } catch (IllegalArgumentException e) {
      LOG.warn("gateway: leaf {} sent telemetry that cannot be carried: {}", id, e.getMessage());
      done.accept(e);
      return;
    }
    forwarder.store(record, done);
  }

  /** Sends what the store holds for the leaf (at start: what an earlier run left). */
  public void kick() {
    forwarder.kickLater();
  }

  /** The forwarder's view of this leaf's upstream client. */
  private final class Upstream implements Forwarder.Link {
    @Override
    public @Nullable Completable send(StoredMessage message) {
      IotHubClient client = ensureUpstream();
      return client == null ? null : client.send(TelemetryMapping.toMessage(message.message()));
    }

    @Override
    public void failed(StoredMessage message, Throwable error, boolean first) {
      if (first) {
        LOG.warn("gateway: telemetry {} of leaf {} not sent upstream, kept to send again: {}",
            message.messageId(), id, error.toString());
      }
    }

    @Override
    public void unsendable(StoredMessage message, IllegalArgumentException error) {
      LOG.warn("gateway: stored telemetry {} of leaf {} cannot be sent ({}): deleted", message.messageId(), id,
          error.getMessage());
    }

    @Override
    public void idle() {
      closeIfIdle();
    }
  }

  // ---------------------------------------------------------------- upstream life

  private synchronized @Nullable IotHubClient ensureUpstream() {
    if (upstream != null || closed) {
      return upstream;
    }
    IotHubClient client;
    try {
      client = factory.create(leaf);
    } catch (RuntimeException e) {
      // never "unsendable" (the forwarder would delete every stored record of the leaf): kept, tried again
      String why = e.toString();
      if (!why.equals(createFailure)) {
        createFailure = why;
        LOG.warn("gateway: cannot make the upstream client of leaf {}; its telemetry stays stored, tried again on its"
            + " next message or connection: {}", id, why);
      }
      return null;
    }
    createFailure = null;
    upstream = client;
    client.methods().handleDefault(this::onMethod);
    client.connect().subscribe(() -> LOG.info("gateway: upstream connection of leaf {} is up", id),
        error -> upstreamFailed(client, error));
    activate();
    return client;
  }

  private void upstreamFailed(IotHubClient client, Throwable error) {
    synchronized (this) {
      if (upstream != client) {
        return;
      }
      LOG.warn("gateway: upstream connection of leaf {} failed, retrying in 5 s: {}", id, error.toString());
      upstream = null;
      dispose();
    }
    client.close();
    timer.schedule(() -> {
      synchronized (this) {
        if (connectionId != null) {
          ensureUpstream();
        }
      }
      forwarder.kick();
    }, 5, TimeUnit.SECONDS);
  }

  private void closeIfIdle() {
    if (!forwarder.isIdle()) { // asked first: the forwarder calls into this relay under its own monitor
      return;
    }
    IotHubClient idle;
    synchronized (this) {
      if (connectionId != null || upstream == null) {
        return;
      }
      idle = upstream;
      upstream = null;
      dispose();
    }
    idle.close();
  }

  /**
   * Closes the upstream client; what is not acknowledged stays in the store. The gateway closes the forwarders first
   * (so that the sends this close fails are not reported).
   */
  void close() {
    IotHubClient client;
    synchronized (this) {
      closed = true;
      client = upstream;
      upstream = null;
      dispose();
    }
    if (client != null) {
      client.close();
    }
  }

  /** Delivers C2D messages one at a time: the next is asked for when the leaf's session took the last. */
  private final class CloudMessageSubscriber extends DisposableSubscriber<CloudMessage> {
    @Override
    protected void onStart() {
      request(1);
    }

    @Override
    public void onNext(CloudMessage message) {
      String topic = MessageTopic.of(MessageTopic.Kind.DEVICEBOUND, id, null, message.properties()).format();
      down.publish(id, topic, message.payload(), 1).whenComplete((taken, error) -> {
        if (error != null || !Boolean.TRUE.equals(taken)) {
          LOG.warn("gateway: leaf {} did not take a cloud-to-device message (message id {})", id,
              message.messageId());
        }
        request(1);
      });
    }

    @Override
    public void onError(Throwable error) {
      LOG.debug("gateway: cloud-to-device stream of leaf {} ended: {}", id, error.toString());
    }

    @Override
    public void onComplete() {
      // The upstream client closed.
    }
  }
}
