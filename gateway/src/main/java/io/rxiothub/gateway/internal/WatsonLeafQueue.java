// One Watson leaf's events: stored before the PUBACK, sent in store order through the shared GatewayClient with a
// window, each record deleted after the platform's PUBACK (protocol.md §18.3, §19).
package io.rxiothub.gateway.internal;

import io.reactivex.rxjava3.core.Completable;
import io.rxiothub.gateway.WatsonLeaf;
import io.rxiothub.gateway.store.ForwardMessage;
import io.rxiothub.gateway.store.StoredMessage;
import io.rxiothub.watson.client.GatewayClient;
import io.rxiothub.watson.client.GatewayEvent;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The store-and-forward queue of one Watson leaf. Thread-safe. */
final class WatsonLeafQueue {

  private static final Logger LOG = LoggerFactory.getLogger(WatsonLeafQueue.class);
  /** Events in flight upstream per leaf; the client's offline queue holds every leaf's window. */
  static final int WINDOW = 64;
  static final String EVENT_ID = "evt";
  static final String FORMAT = "fmt";

  private final WatsonLeaf leaf;
  private final String key;
  private final Supplier<@Nullable GatewayClient> upstream;
  private final WatsonMetrics watsonMetrics;
  private final Forwarder forwarder;
  private volatile boolean announced;

  WatsonLeafQueue(WatsonLeaf leaf, String key, Forwarding forwarding, Supplier<@Nullable GatewayClient> upstream,
      WatsonMetrics watsonMetrics) {
    this.leaf = leaf;
    this.key = key;
    this.upstream = upstream;
    this.watsonMetrics = watsonMetrics;
    this.forwarder = new Forwarder(key, "an event of Watson leaf " + key, WINDOW, forwarding, new Link());
  }

  /** Stores an event; {@code done} gets null once it is durable (the PUBACK may go), or the store's error. */
  void event(WatsonLeafTopics.Event event, byte[] payload, String messageId, Consumer<@Nullable Throwable> done) {
    ForwardMessage record = ForwardMessage.builder().messageId(messageId).property(EVENT_ID, event.eventId())
        .property(FORMAT, event.format()).payload(payload).build();
    forwarder.store(record, done);
  }

  /** Has the forwarder send what the store holds for the leaf. */
  void kickLater() {
    forwarder.kickLater();
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

  /** The forwarder's view of the shared gateway connection, for this leaf. */
  private final class Link implements Forwarder.Link {
    @Override
    public @Nullable Completable send(StoredMessage message) {
      GatewayClient client = upstream.get();
      if (client == null) {
        return null;
      }
      return client.publishEvent(toEvent(message.message()));
    }

    @Override
    public void acknowledged(StoredMessage message) {
      if (!announced) {
        announced = true;
        LOG.info("gateway: the platform acknowledged the first event of Watson leaf {}/{} (registered before, or"
            + " auto-registered by it)", leaf.typeId(), leaf.deviceId());
      }
    }

    @Override
    public void failed(StoredMessage message, Throwable error, boolean first) {
      if (first) {
        LOG.warn("gateway: event {} of Watson leaf {} not sent upstream, kept to send again: {}",
            message.messageId(), key, error.toString());
      }
    }

    @Override
    public void unsendable(StoredMessage message, IllegalArgumentException error) {
      LOG.warn("gateway: stored event {} of Watson leaf {} cannot be sent ({}): deleted", message.messageId(), key,
          error.getMessage());
      watsonMetrics.publishesDropped.incrementAndGet();
    }
  }
}
