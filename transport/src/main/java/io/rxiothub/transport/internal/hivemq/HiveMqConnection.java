// One HiveMQ client and its single connection: publishes in one flow, subscriptions, inbound messages, close.
package io.rxiothub.transport.internal.hivemq;

import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.lifecycle.MqttClientDisconnectedContext;
import com.hivemq.client.mqtt.lifecycle.MqttClientDisconnectedListener;
import com.hivemq.client.mqtt.mqtt3.Mqtt3RxClient;
import com.hivemq.client.mqtt.mqtt3.message.publish.Mqtt3Publish;
import com.hivemq.client.mqtt.mqtt3.message.publish.Mqtt3PublishResult;
import com.hivemq.client.mqtt.mqtt3.message.subscribe.suback.Mqtt3SubAck;
import io.netty.channel.EventLoop;
import io.reactivex.disposables.CompositeDisposable;
import io.reactivex.functions.Consumer;
import io.reactivex.observers.DisposableSingleObserver;
import io.reactivex.processors.UnicastProcessor;
import io.reactivex.subscribers.DisposableSubscriber;
import io.rxiothub.transport.internal.MqttConnector.Callback;
import io.rxiothub.transport.internal.MqttConnector.Cancellation;
import io.rxiothub.transport.internal.MqttConnector.InboundPublish;
import io.rxiothub.transport.internal.MqttConnector.Listener;
import io.rxiothub.transport.internal.MqttConnector.MqttConnection;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import java.util.concurrent.atomic.AtomicReferenceFieldUpdater;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One HiveMQ client and its single connection. A client keeps it for as long as it is connected, so
 * it is also the attempt's cancellation, HiveMQ's disconnected listener, the consumer of its inbound
 * publishes and its own feed task, and keeps its flags in fields: about 200 bytes less than a lambda,
 * an atomic, a lock object and a queue each.
 */
final class HiveMqConnection implements MqttConnection, Cancellation,
    MqttClientDisconnectedListener, Consumer<Mqtt3Publish>, Runnable {

  private static final Logger LOG = LoggerFactory.getLogger(HiveMqConnection.class);

  private static final AtomicIntegerFieldUpdater<HiveMqConnection> DECIDED =
      AtomicIntegerFieldUpdater.newUpdater(HiveMqConnection.class, "decided");
  private static final AtomicIntegerFieldUpdater<HiveMqConnection> CLOSED_ONCE =
      AtomicIntegerFieldUpdater.newUpdater(HiveMqConnection.class, "closedOnce");
  private static final AtomicReferenceFieldUpdater<HiveMqConnection, Outgoing> TO_FEED =
      AtomicReferenceFieldUpdater.newUpdater(HiveMqConnection.class, Outgoing.class, "toFeed");
  private static final AtomicIntegerFieldUpdater<HiveMqConnection> FEED_WIP =
      AtomicIntegerFieldUpdater.newUpdater(HiveMqConnection.class, "feedWip");

  private final Listener listener;
  final CompositeDisposable flows = new CompositeDisposable();
  /** 1 once the attempt's outcome (CONNACK, failure or cancellation) is decided. */
  private volatile int decided;
  /** 1 once the connection is closed or being closed by us. */
  private volatile int closedOnce;
  // This object's monitor is the publish lock.
  /** Guarded by this: publishes handed to HiveMQ, oldest first, without a result yet; null if none. */
  private @Nullable ArrayDeque<Outgoing> unacknowledged;
  /** Guarded by this: the open publish flow's source, or null when none is open. */
  private @Nullable UnicastProcessor<Mqtt3Publish> outbox;
  volatile boolean established;
  @Nullable Mqtt3RxClient client;
  /** The event loop of the connection, once connected; null if HiveMQ hides its channel. */
  volatile @Nullable EventLoop loop;
  /**
   * Publishes waiting to be handed to HiveMQ on {@link #loop}, newest first, linked through the
   * publishes themselves: the feed takes them all and reverses them into publish order (no queue
   * node per publish, no queue per connection).
   */
  private volatile @Nullable Outgoing toFeed;
  /** The feed's work-in-progress count. */
  private volatile int feedWip;

  HiveMqConnection(Listener listener) {
    this.listener = listener;
  }

  /** Decides the attempt's outcome; true for the first caller. */
  boolean decide() {
    return DECIDED.compareAndSet(this, 0, 1);
  }

  /** The attempt is cancelled: a CONNACK that still comes is answered by closing. */
  @Override
  public void cancel() {
    decided = 1;
    abort();
  }

  @Override
  public void onDisconnected(MqttClientDisconnectedContext context) {
    closed(context.getCause());
  }

  @Override
  public void accept(Mqtt3Publish publish) {
    inbound(publish);
  }

  /** The feed task, on the connection's event loop. */
  @Override
  public void run() {
    feed();
  }

  private Mqtt3RxClient client() {
    Mqtt3RxClient c = client;
    if (c == null) {
      throw new IllegalStateException("connection has no client");
    }
    return c;
  }

  void inbound(Mqtt3Publish publish) {
    listener.onPublish(new InboundPublish() {
      @Override
      public String topic() {
        return publish.getTopic().toString();
      }

      @Override
      public byte[] payload() {
        return publish.getPayloadAsBytes();
      }

      @Override
      public void acknowledge() {
        try {
          publish.acknowledge();
        } catch (RuntimeException e) {
          // HiveMQ refuses a second acknowledgement; the first one already went out.
          LOG.debug("PUBACK of a message on '{}' not sent: {}", publish.getTopic(), e.toString());
        }
      }
    });
  }

  void closed(Throwable cause) {
    if (established && CLOSED_ONCE.compareAndSet(this, 0, 1)) {
      // Pending publish flows hold the shared event loop; end them with the connection.
      abandonPublishes();
      listener.onClosed(HiveMqConnector.classifyClose(cause));
    }
  }

  /**
   * Publishes through one publish flow per connection, created when a publish finds none and
   * completed when its last publish has its result, so an idle connection holds no flow. One
   * long flow lets HiveMQ batch writes; a flow per message costs a queue, an ack flow and a
   * scheduler worker each (benchmarks/RESULTS.md).
   */
  @Override
  public void publish(String topic, byte[] payload, boolean atMostOnce, boolean more,
      Callback done) {
    Mqtt3Publish publish = Mqtt3Publish.builder()
        .topic(topic)
        .qos(atMostOnce ? MqttQos.AT_MOST_ONCE : MqttQos.AT_LEAST_ONCE)
        .payload(payload)
        .build();
    Outgoing outgoing = new Outgoing(publish, done);
    EventLoop l = loop;
    if (l == null) {
      synchronized (this) {
        hand(outgoing);
      }
      return;
    }
    for (;;) {
      Outgoing head = toFeed;
      outgoing.next = head;
      if (TO_FEED.compareAndSet(this, head, outgoing)) {
        break;
      }
    }
    if (more) {
      // The caller's next publish schedules the hand-over of both.
      return;
    }
    if (FEED_WIP.getAndIncrement(this) == 0) {
      if (l.inEventLoop()) {
        feed();
      } else {
        try {
          l.execute(this);
        } catch (RejectedExecutionException e) {
          // The loop is shutting down with the connection: hand over here, HiveMQ fails them.
          feed();
        }
      }
    }
  }

  /**
   * On the connection's event loop: hands the waiting publishes to HiveMQ. HiveMQ writes what its
   * queue holds when its own task runs next on the loop, and flushes once: publishes handed over
   * here, from the loop, go out together in a few TLS records and one write, where publishes
   * handed over from another thread each wake the loop and often leave in a flush of their own.
   */
  private void feed() {
    int missed = 1;
    for (;;) {
      synchronized (this) {
        Outgoing stack = TO_FEED.getAndSet(this, null);
        Outgoing o = null;
        while (stack != null) {
          Outgoing older = stack.next;
          stack.next = o;
          o = stack;
          stack = older;
        }
        while (o != null) {
          Outgoing next = o.next;
          o.next = null;
          hand(o);
          o = next;
        }
      }
      missed = FEED_WIP.addAndGet(this, -missed);
      if (missed == 0) {
        return;
      }
    }
  }

  /** Under this object's monitor: hands {@code o} to the publish flow, opening one if none is open. */
  private void hand(Outgoing o) {
    if (closedOnce != 0) {
      // Abandoned like the publishes in flight: the state machine sends it again elsewhere.
      return;
    }
    ArrayDeque<Outgoing> waiting = unacknowledged;
    if (waiting == null) {
      waiting = new ArrayDeque<>(2);
      unacknowledged = waiting;
    }
    waiting.add(o);
    UnicastProcessor<Mqtt3Publish> box = outbox;
    if (box == null) {
      box = UnicastProcessor.create(16);
      outbox = box;
      Results results = new Results(this, box);
      flows.add(results);
      // HiveMQ fails the flow on this thread, as it is subscribed, if it does not see the client connected
      // (Results.onError would then forget box under our own monitor). It cannot here: HiveMQ leaves
      // CONNECTED only after calling our disconnected listener (closed(), which sets closedOnce and then
      // waits for this monitor), and our disconnect() and abort() set closedOnce and pass this monitor first.
      client().publish(box).subscribe(results);
    }
    box.onNext(o.publish);
  }

  /** Stops feeding {@code box}, a flow that ended with an error; the next publish opens another. */
  void forget(UnicastProcessor<Mqtt3Publish> box) {
    synchronized (this) {
      if (outbox == box) {
        outbox = null;
      }
    }
  }

  /** Ends the publish flows; what had no result yet is the state machine's to send again. */
  private void abandonPublishes() {
    flows.dispose();
    synchronized (this) {
      toFeed = null;
      unacknowledged = null;
      outbox = null;
    }
  }

  /**
   * Takes the publish that {@code result} belongs to off the outstanding ones, and ends the flow
   * {@code box} when nothing is left in it; null if the result matches nothing (a late result
   * after the connection closed).
   */
  @Nullable Outgoing resolve(Mqtt3Publish published, UnicastProcessor<Mqtt3Publish> box) {
    synchronized (this) {
      Outgoing match = null;
      ArrayDeque<Outgoing> waiting = unacknowledged;
      Outgoing head = waiting == null ? null : waiting.peekFirst();
      if (head != null && head.publish.equals(published)) {
        match = waiting.pollFirst();
      } else if (waiting != null) {
        for (Iterator<Outgoing> it = waiting.iterator(); it.hasNext(); ) {
          Outgoing o = it.next();
          if (o.publish.equals(published)) {
            it.remove();
            match = o;
            break;
          }
        }
      }
      boolean none = waiting == null || waiting.isEmpty();
      if (none) {
        unacknowledged = null;
      }
      if (none && outbox == box) {
        outbox = null;
        box.onComplete();
      }
      return match;
    }
  }

  @Override
  public void subscribe(String filter, Callback done) {
    SubscribeOutcome outcome = new SubscribeOutcome(flows, done);
    // Added before subscribing, so that a SUBACK arriving at once still finds it to delete.
    flows.add(outcome);
    client().subscribeWith()
        .topicFilter(filter)
        .qos(MqttQos.AT_LEAST_ONCE)
        .applySubscribe()
        .subscribe(outcome);
  }

  @Override
  public void disconnect(Runnable done) {
    closedOnce = 1;
    abandonPublishes();
    client().disconnect().subscribe(done::run, error -> done.run());
  }

  @Override
  public void abort() {
    closedOnce = 1;
    abandonPublishes();
    Mqtt3RxClient c = client;
    if (c != null) {
      // MQTT 3.1.1 has no abort without DISCONNECT in HiveMQ's API; DISCONNECT is harmless here.
      c.disconnect().subscribe(() -> { }, error -> { });
    }
  }

  /** A publish handed to HiveMQ and waiting for its result. */
  private static final class Outgoing {
    final Mqtt3Publish publish;
    final Callback done;
    /** The next older publish waiting to be fed. */
    @Nullable Outgoing next;

    Outgoing(Mqtt3Publish publish, Callback done) {
      this.publish = publish;
      this.done = done;
    }
  }

  /**
   * Receives the results of one publish flow and hands each to the callback of its publish. HiveMQ
   * reports QoS 1 results in PUBACK order (normally the publish order, so the oldest outstanding
   * publish matches at once) and QoS 0 results once written; a result that is not the oldest (a
   * QoS 0 publish between QoS 1 ones, a PUBACK the hub never sent) is matched by content.
   */
  private static final class Results extends DisposableSubscriber<Mqtt3PublishResult> {
    private final HiveMqConnection connection;
    private final UnicastProcessor<Mqtt3Publish> outbox;

    Results(HiveMqConnection connection, UnicastProcessor<Mqtt3Publish> outbox) {
      this.connection = connection;
      this.outbox = outbox;
    }

    @Override
    public void onNext(Mqtt3PublishResult result) {
      Outgoing outgoing = connection.resolve(result.getPublish(), outbox);
      if (outgoing != null) {
        Throwable error = result.getError().isPresent() ? result.getError().get() : null;
        outgoing.done.done(error);
      }
    }

    @Override
    public void onError(Throwable error) {
      connection.flows.delete(this);
      // Only when the connection ends (MQTT 3.1.1 has no negative PUBACK): the state machine hears
      // of that through Listener.onClosed and sends what is still unacknowledged again. A publish
      // after this opens a new flow rather than feeding this dead one.
      connection.forget(outbox);
      LOG.debug("Publish flow ended: {}", error.toString());
    }

    @Override
    public void onComplete() {
      connection.flows.delete(this);
    }
  }

  /**
   * Hands a SUBSCRIBE's outcome to its callback and leaves the connection's flows then, so that a
   * connection keeps nothing of its acknowledged subscriptions (about 80 bytes each otherwise).
   */
  private static final class SubscribeOutcome extends DisposableSingleObserver<Mqtt3SubAck> {
    private final CompositeDisposable flows;
    private final Callback done;

    SubscribeOutcome(CompositeDisposable flows, Callback done) {
      this.flows = flows;
      this.done = done;
    }

    @Override
    public void onSuccess(Mqtt3SubAck subAck) {
      flows.delete(this);
      done.done(null);
    }

    @Override
    public void onError(Throwable error) {
      flows.delete(this);
      done.done(error);
    }
  }
}
