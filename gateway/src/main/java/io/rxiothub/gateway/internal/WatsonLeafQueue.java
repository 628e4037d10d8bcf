// One Watson leaf's events: stored before the PUBACK, sent in store order through the shared GatewayClient with a
// window, each record deleted after the platform's PUBACK (protocol.md §18.3, §19).
package io.rxiothub.gateway.internal;

import io.rxiothub.gateway.WatsonLeaf;
import io.rxiothub.gateway.store.ForwardMessage;
import io.rxiothub.gateway.store.ForwardStore;
import io.rxiothub.gateway.store.StoredMessage;
import io.rxiothub.watson.client.GatewayClient;
import io.rxiothub.watson.client.GatewayEvent;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The store-and-forward queue of one Watson leaf. Thread-safe: its state is guarded by its monitor. */
final class WatsonLeafQueue {

  private static final Logger LOG = LoggerFactory.getLogger(WatsonLeafQueue.class);
  /** Events in flight upstream per leaf; the client's offline queue holds every leaf's window. */
  static final int WINDOW = 64;
  static final String EVENT_ID = "evt";
  static final String FORMAT = "fmt";
  private static final long RETRY_MILLIS = 1_000;

  private final WatsonLeaf leaf;
  private final String key;
  private final ForwardStore store;
  private final Supplier<@Nullable GatewayClient> upstream;
  private final Metrics metrics;
  private final WatsonMetrics watsonMetrics;
  private final ScheduledExecutorService timer;
  private final Executor forwarder;
  private final AtomicBoolean kickQueued = new AtomicBoolean();
  private long cursor;
  private int inFlight;
  private boolean failed;
  private boolean draining;
  private boolean closed;
  private boolean announced;
  /** A failed send was logged since the last acknowledgement: the retries of one outage log once. */
  private boolean warned;

  WatsonLeafQueue(WatsonLeaf leaf, String key, ForwardStore store, Supplier<@Nullable GatewayClient> upstream,
      Metrics metrics, WatsonMetrics watsonMetrics, ScheduledExecutorService timer, Executor forwarder) {
    this.leaf = leaf;
    this.key = key;
    this.store = store;
    this.upstream = upstream;
    this.metrics = metrics;
    this.watsonMetrics = watsonMetrics;
    this.timer = timer;
    this.forwarder = forwarder;
  }

  /** Stores an event; {@code done} gets null once it is durable (the PUBACK may go), or the store's error. */
  void event(WatsonLeafTopics.Event event, byte[] payload, String messageId, Consumer<@Nullable Throwable> done) {
    ForwardMessage record = ForwardMessage.builder().messageId(messageId).property(EVENT_ID, event.eventId())
        .property(FORMAT, event.format()).payload(payload).build();
    store.append(key, record).subscribe(stored -> {
      metrics.received.incrementAndGet();
      metrics.receivedBytes.addAndGet(payload.length);
      done.accept(null);
      kickLater(); // on the store's writer thread: the reads and sends go elsewhere
    }, error -> {
      metrics.refused.incrementAndGet();
      LOG.warn("gateway: the store refused an event of Watson leaf {}: {}", key, error.getMessage());
      done.accept(error);
    });
  }

  /** Has the forwarder kick: one queued kick covers every earlier append. */
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

  /** Sends what the store holds for the leaf, up to the window, while the upstream client exists. */
  synchronized void kick() {
    if (closed || draining || failed) {
      return;
    }
    while (inFlight < WINDOW) {
      GatewayClient client = upstream.get();
      if (client == null) {
        return;
      }
      List<StoredMessage> batch = store.pending(key, cursor, WINDOW - inFlight);
      if (batch.isEmpty()) {
        return;
      }
      for (StoredMessage message : batch) {
        cursor = message.sequence();
        GatewayEvent event;
        try {
          event = toEvent(message.message());
        } catch (IllegalArgumentException e) {
          LOG.warn("gateway: stored event {} of Watson leaf {} cannot be sent ({}): deleted", message.messageId(),
              key, e.getMessage());
          store.delete(key, message.sequence());
          watsonMetrics.publishesDropped.incrementAndGet();
          continue;
        }
        inFlight++;
        client.publishEvent(event).subscribe(() -> acknowledged(message), error -> notSent(message, error));
      }
    }
  }

  private GatewayEvent toEvent(ForwardMessage record) {
    String eventId = record.properties().get(EVENT_ID);
    String format = record.properties().get(FORMAT);
    if (eventId == null || format == null) {
      throw new IllegalArgumentException("the record has no " + EVENT_ID + " or " + FORMAT + " property");
    }
    return GatewayEvent.builder().device(leaf.typeId(), leaf.deviceId()).eventId(eventId).format(format)
        .payload(record.payload()).qos(1).build();
  }

  private void acknowledged(StoredMessage message) {
    synchronized (this) {
      inFlight--;
      store.delete(key, message.sequence());
      metrics.forwarded.incrementAndGet();
      metrics.forwardedBytes.addAndGet(message.payload().length);
      warned = false;
      if (!announced) {
        announced = true;
        LOG.info("gateway: the platform acknowledged the first event of Watson leaf {}/{} (registered before, or"
            + " auto-registered by it)", leaf.typeId(), leaf.deviceId());
      }
      notifyAll();
    }
    kick();
  }

  private void notSent(StoredMessage message, Throwable error) {
    synchronized (this) {
      inFlight--;
      notifyAll();
      if (closed) {
        return;
      }
      if (!failed && !warned) {
        warned = true;
        LOG.warn("gateway: event {} of Watson leaf {} not sent upstream, kept to send again: {}",
            message.messageId(), key, error.toString());
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

  /** Stops forwarding; what is not acknowledged stays in the store. */
  synchronized void close() {
    closed = true;
  }
}
