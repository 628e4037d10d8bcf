// One leaf behind the gateway: its downstream session (subscriptions, twin requests, method replies), its upstream
// DeviceClient (the leaf's own identity) and the forwarding of its stored telemetry (protocol.md §18.1, §18.2).
package io.rxiothub.gateway.internal;

import static java.nio.charset.StandardCharsets.UTF_8;

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
import io.rxiothub.gateway.store.ForwardStore;
import io.rxiothub.gateway.store.StoredMessage;
import io.rxiothub.methods.MethodRequest;
import io.rxiothub.methods.MethodResponse;
import io.rxiothub.methods.MethodTopic;
import io.rxiothub.sas.MessageTopic;
import io.rxiothub.twin.TwinPatch;
import io.rxiothub.twin.TwinTopic;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The relay of one leaf. Thread-safe: its state is guarded by its monitor; no I/O is waited for under it. */
public final class LeafRelay {

  private static final Logger LOG = LoggerFactory.getLogger(LeafRelay.class);
  /** Sends in flight upstream per leaf (below the upstream client's queue). */
  static final int WINDOW = 256;
  private static final long RETRY_MILLIS = 1_000;

  private final LeafDevice leaf;
  private final String id;
  private final UpstreamFactory factory;
  private final ForwardStore store;
  private final Downstream down;
  private final Metrics metrics;
  private final ScheduledExecutorService timer;
  private final Executor forwarder;
  /** A kick is queued on the forwarder and has not started: the records appended meanwhile are sent by it. */
  private final AtomicBoolean kickQueued = new AtomicBoolean();

  private @Nullable IotHubClient upstream;
  private @Nullable String connectionId;
  private final EnumSet<LeafTopics.Subscription> pending = EnumSet.noneOf(LeafTopics.Subscription.class);
  private final EnumSet<LeafTopics.Subscription> active = EnumSet.noneOf(LeafTopics.Subscription.class);
  private @Nullable Disposable cloudMessages;
  private @Nullable Disposable desired;
  private final Map<String, SingleEmitter<MethodResponse>> calls = new HashMap<>();
  private long lastRid;
  private boolean closed;
  private boolean draining;
  private long cursor;
  private int inFlight;
  private boolean failed;

  /** Creates the relay of {@code leaf}; {@code forwarder} runs the sends an append calls for, off the writer. */
  public LeafRelay(LeafDevice leaf, UpstreamFactory factory, ForwardStore store, Downstream down, Metrics metrics,
      ScheduledExecutorService timer, Executor forwarder) {
    this.leaf = leaf;
    this.id = leaf.clientId();
    this.factory = factory;
    this.store = store;
    this.down = down;
    this.metrics = metrics;
    this.timer = timer;
    this.forwarder = forwarder;
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
    store.append(id, record).subscribe(stored -> {
      metrics.received.incrementAndGet();
      metrics.receivedBytes.addAndGet(payload.length);
      done.accept(null);
      kickLater(); // this callback runs on the store's writer thread: the reads and sends go elsewhere
    }, error -> {
      metrics.refused.incrementAndGet();
      LOG.warn("gateway: the store refused telemetry of leaf {}: {}", id, error.getMessage());
      done.accept(error);
    });
  }

  /** Has the forwarder kick: one queued kick covers every earlier append; a kick keeps order under the monitor. */
  void kickLater() {
    if (!kickQueued.compareAndSet(false, true)) {
      return;
    }
    try {
      forwarder.execute(() -> {
        kickQueued.set(false);
        kick();
      });
    } catch (RejectedExecutionException e) {
      kickQueued.set(false); // the gateway is stopping: the record stays in the store for the next start
    }
  }

  /** Sends what the store holds for the leaf, up to the window. */
  public synchronized void kick() {
    if (closed || draining || failed) {
      return;
    }
    while (inFlight < WINDOW) {
      List<StoredMessage> batch = store.pending(id, cursor, WINDOW - inFlight);
      if (batch.isEmpty()) {
        return;
      }
      IotHubClient client = ensureUpstream();
      if (client == null) {
        return;
      }
      for (StoredMessage message : batch) {
        cursor = message.sequence();
        inFlight++;
        client.send(TelemetryMapping.toMessage(message.message()))
            .subscribe(() -> acknowledged(message), error -> notSent(message, error));
      }
    }
  }

  private void acknowledged(StoredMessage message) {
    synchronized (this) {
      inFlight--;
      store.delete(id, message.sequence());
      metrics.forwarded.incrementAndGet();
      metrics.forwardedBytes.addAndGet(message.payload().length);
      notifyAll();
    }
    kick();
    closeIfIdle();
  }

  private void notSent(StoredMessage message, Throwable error) {
    synchronized (this) {
      inFlight--;
      notifyAll();
      if (closed) {
        return;
      }
      if (!failed) {
        LOG.warn("gateway: telemetry {} of leaf {} not sent upstream, kept to send again: {}",
            message.messageId(), id, error.toString());
      }
      failed = true;
      if (inFlight > 0) {
        return;
      }
    }
    timer.schedule(this::retry, RETRY_MILLIS, TimeUnit.MILLISECONDS);
  }

  private void retry() {
    synchronized (this) {
      failed = false;
      cursor = 0; // every send settled: what is still stored was not acknowledged, oldest first
    }
    kick();
  }

  // ---------------------------------------------------------------- upstream life

  private synchronized @Nullable IotHubClient ensureUpstream() {
    if (upstream != null || closed) {
      return upstream;
    }
    IotHubClient client = factory.create(leaf);
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
      kick();
    }, 5, TimeUnit.SECONDS);
  }

  private void closeIfIdle() {
    IotHubClient idle;
    synchronized (this) {
      if (connectionId != null || inFlight > 0 || upstream == null || !store.pending(id, 0, 1).isEmpty()) {
        return;
      }
      idle = upstream;
      upstream = null;
      dispose();
    }
    idle.close();
  }

  /** Sends nothing more upstream: the shutdown's drain waits only for what is in flight. */
  synchronized void stopSending() {
    draining = true;
  }

  /** Waits until nothing is in flight upstream or {@code deadlineMillis} passed; returns what is in flight. */
  synchronized int awaitIdle(long deadlineMillis) throws InterruptedException {
    while (inFlight > 0) {
      long left = deadlineMillis - System.currentTimeMillis();
      if (left <= 0) {
        break;
      }
      wait(left);
    }
    return inFlight;
  }

  /** Stops forwarding and closes the upstream client; what is not acknowledged stays in the store. */
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
