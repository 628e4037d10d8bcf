// MqttConnector on the HiveMQ MQTT client: one HiveMQ client per attempt, TLS, WebSocket, proxy.
package io.rxiothub.transport.internal.hivemq;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.MqttClientExecutorConfig;
import com.hivemq.client.mqtt.MqttClientSslConfig;
import com.hivemq.client.mqtt.MqttClientTransportConfig;
import com.hivemq.client.mqtt.MqttClientTransportConfigBuilder;
import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.MqttProxyConfig;
import com.hivemq.client.mqtt.MqttProxyProtocol;
import com.hivemq.client.mqtt.MqttWebSocketConfig;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.exceptions.ConnectionClosedException;
import com.hivemq.client.mqtt.mqtt3.Mqtt3RxClient;
import com.hivemq.client.mqtt.mqtt3.exceptions.Mqtt3ConnAckException;
import com.hivemq.client.mqtt.mqtt3.message.connect.Mqtt3Connect;
import com.hivemq.client.mqtt.mqtt3.message.connect.Mqtt3ConnectBuilder;
import com.hivemq.client.mqtt.mqtt3.message.publish.Mqtt3Publish;
import com.hivemq.client.mqtt.mqtt3.message.publish.Mqtt3PublishResult;
import com.hivemq.client.mqtt.mqtt3.message.subscribe.suback.Mqtt3SubAck;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.handler.ssl.SslContext;
import io.reactivex.disposables.CompositeDisposable;
import io.reactivex.observers.DisposableSingleObserver;
import io.reactivex.processors.UnicastProcessor;
import io.reactivex.schedulers.Schedulers;
import io.reactivex.subscribers.DisposableSubscriber;
import io.rxiothub.transport.Failures;
import io.rxiothub.transport.internal.MqttConnector;
import io.rxiothub.transport.internal.SharedThreads;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Iterator;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLException;
import javax.net.ssl.TrustManagerFactory;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens each connection with a fresh HiveMQ client, so that a connection's pending publishes and
 * subscriptions end with it (the state machine resends and resubscribes). All clients share one
 * Netty event loop group through {@link IoThreads#EXECUTOR}; HiveMQ's application
 * scheduler is the trampoline, so HiveMQ signals stay on the event loop and reach user code only
 * through our callback scheduler.
 */
public final class HiveMqConnector implements MqttConnector {

  private static final Logger LOG = LoggerFactory.getLogger(HiveMqConnector.class);

  private static final MqttClientExecutorConfig EXECUTOR_CONFIG = MqttClientExecutorConfig.builder()
      .nettyExecutor(IoThreads.EXECUTOR)
      .nettyThreads(SharedThreads.IO_THREADS)
      .applicationScheduler(Schedulers.trampoline())
      .build();

  private final MqttClientTransportConfig transportConfig;
  private final Endpoint endpoint;
  /** The shared TLS context, once built; null until then or if building it failed. */
  private volatile @Nullable SslContext sslContext;
  private volatile boolean sslContextTried;

  /** Settings of the network path to the hub. */
  public static final class Endpoint {
    final String host;
    final int port;
    final @Nullable String webSocketPath;
    final @Nullable TrustManagerFactory trustManagerFactory;
    final @Nullable KeyManagerFactory keyManagerFactory;
    final @Nullable String proxyHost;
    final int proxyPort;
    final @Nullable String proxyUser;
    final @Nullable String proxyPassword;
    final long connectTimeoutMillis;
    final Failures failures;

    /**
     * Creates the endpoint; {@code webSocketPath} null means MQTT over TLS, else MQTT over a
     * WebSocket at that path; {@code proxyHost} null means no proxy; {@code failures} makes the errors
     * of failed attempts.
     */
    public Endpoint(String host, int port, @Nullable String webSocketPath,
        @Nullable TrustManagerFactory trustManagerFactory,
        @Nullable KeyManagerFactory keyManagerFactory, @Nullable String proxyHost, int proxyPort,
        @Nullable String proxyUser, @Nullable String proxyPassword, long connectTimeoutMillis,
        Failures failures) {
      this.host = host;
      this.port = port;
      this.webSocketPath = webSocketPath;
      this.failures = failures;
      this.trustManagerFactory = trustManagerFactory;
      this.keyManagerFactory = keyManagerFactory;
      this.proxyHost = proxyHost;
      this.proxyPort = proxyPort;
      this.proxyUser = proxyUser;
      this.proxyPassword = proxyPassword;
      this.connectTimeoutMillis = connectTimeoutMillis;
    }
  }

  /** Creates a connector for {@code endpoint}. */
  public HiveMqConnector(Endpoint endpoint) {
    this.endpoint = endpoint;
    MqttClientSslConfig ssl = MqttClientSslConfig.builder()
        .trustManagerFactory(endpoint.trustManagerFactory)
        .keyManagerFactory(endpoint.keyManagerFactory)
        .protocols(Arrays.asList("TLSv1.3", "TLSv1.2"))
        .handshakeTimeout(endpoint.connectTimeoutMillis, TimeUnit.MILLISECONDS)
        .build();
    MqttClientTransportConfigBuilder transport = MqttClientTransportConfig.builder()
        .serverHost(endpoint.host)
        .serverPort(endpoint.port)
        .sslConfig(ssl)
        .socketConnectTimeout(endpoint.connectTimeoutMillis, TimeUnit.MILLISECONDS)
        .mqttConnectTimeout(endpoint.connectTimeoutMillis, TimeUnit.MILLISECONDS);
    String webSocketPath = endpoint.webSocketPath;
    if (webSocketPath != null) {
      transport.webSocketConfig(MqttWebSocketConfig.builder()
          .serverPath(webSocketPath)
          .subprotocol("mqtt")
          .handshakeTimeout(endpoint.connectTimeoutMillis, TimeUnit.MILLISECONDS)
          .build());
    }
    if (endpoint.proxyHost != null) {
      transport.proxyConfig(MqttProxyConfig.builder()
          .protocol(MqttProxyProtocol.HTTP)
          .host(endpoint.proxyHost)
          .port(endpoint.proxyPort)
          .username(endpoint.proxyUser)
          .password(endpoint.proxyPassword)
          .handshakeTimeout(endpoint.connectTimeoutMillis, TimeUnit.MILLISECONDS)
          .build());
    }
    this.transportConfig = transport.build();
  }

  @Override
  public Cancellation connect(ConnectRequest request, Listener listener, ConnectCallback callback) {
    HiveMqConnection connection = new HiveMqConnection(listener);
    Mqtt3RxClient client = MqttClient.builder()
        .useMqttVersion3()
        .identifier(request.clientId())
        .transportConfig(transportConfig)
        .executorConfig(EXECUTOR_CONFIG)
        .addDisconnectedListener(context -> connection.closed(context.getCause()))
        .buildRx();
    connection.client = client;
    SslContext tls = sslContext();
    if (tls != null) {
      HiveMqInternals.useSslContext(client, tls);
    }
    // Subscribed before CONNECT: a persistent session may deliver right after CONNACK.
    connection.flows.add(client.publishes(MqttGlobalPublishFilter.ALL, true)
        .subscribe(connection::inbound, error -> { }));
    Mqtt3ConnectBuilder connect = Mqtt3Connect.builder()
        .cleanSession(request.cleanSession())
        .keepAlive(request.keepAliveSeconds());
    byte[] password = request.password();
    Mqtt3Connect message = password == null
        ? connect.simpleAuth().username(request.username()).applySimpleAuth().build()
        : connect.simpleAuth().username(request.username()).password(password).applySimpleAuth()
            .build();
    AtomicBoolean decided = new AtomicBoolean();
    // Not disposed on cancel: disposing HiveMQ's connect does not stop a CONNECT already on its way,
    // and the connection it then opens would stay open, unowned, holding the shared event loop. So a
    // cancelled attempt waits for its outcome (bounded by the connect timeout) and closes it.
    client.connect(message).subscribe(
        connAck -> {
          if (decided.compareAndSet(false, true)) {
            Channel channel = HiveMqInternals.channel(client);
            if (channel != null) {
              HiveMqInternals.noDelay(channel);
              connection.loop = channel.eventLoop();
            }
            connection.established = true;
            callback.connected(connection);
          } else {
            connection.abort();
          }
        },
        error -> {
          if (decided.compareAndSet(false, true)) {
            connection.flows.dispose();
            callback.failed(map(error, request.password() == null, endpoint.failures));
          }
        });
    return () -> {
      decided.set(true);
      connection.abort();
    };
  }

  /**
   * Returns the TLS context shared with other clients (see {@link TlsContexts}), or null if it
   * cannot be built: the HiveMQ client then builds its own and reports the same problem as the
   * connection's failure.
   */
  private @Nullable SslContext sslContext() {
    if (!sslContextTried) {
      synchronized (this) {
        if (!sslContextTried) {
          try {
            sslContext = TlsContexts.forEndpoint(endpoint.trustManagerFactory,
                endpoint.keyManagerFactory);
          } catch (SSLException | RuntimeException e) {
            LOG.debug("No shared TLS context: {}", e.toString());
          }
          sslContextTried = true;
        }
      }
    }
    return sslContext;
  }

  /** Maps a failed attempt; {@code certificate}: the client authenticates with a certificate. */
  static Throwable map(Throwable error, boolean certificate, Failures failures) {
    if (error instanceof Mqtt3ConnAckException) {
      int code = ((Mqtt3ConnAckException) error).getMqttMessage().getReturnCode().getCode();
      return failures.refused(code, certificate, error);
    }
    return failures.connection("Could not connect: " + error, error);
  }

  /**
   * Marks an orderly close by the hub: HiveMQ reports it as a {@link ConnectionClosedException}
   * without a cause ("Server closed connection without DISCONNECT."), while an I/O error carries its
   * exception as the cause and a keep-alive timeout says so.
   */
  static Throwable classifyClose(Throwable cause) {
    String message = cause.getMessage();
    if (cause instanceof ConnectionClosedException && cause.getCause() == null && message != null
        && message.startsWith("Server closed connection")) {
      return new ClosedByHubException("the hub closed the connection", cause);
    }
    return cause;
  }

  /** A publish handed to HiveMQ and waiting for its result. */
  private static final class Outgoing {
    final Mqtt3Publish publish;
    final Callback done;

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

  /** One HiveMQ client and its single connection. */
  static final class HiveMqConnection implements MqttConnection {
    private final Listener listener;
    final CompositeDisposable flows = new CompositeDisposable();
    private final AtomicBoolean closedOnce = new AtomicBoolean();
    private final Object publishLock = new Object();
    /** Guarded by publishLock: publishes handed to HiveMQ, oldest first, without a result yet. */
    private final ArrayDeque<Outgoing> unacknowledged = new ArrayDeque<>(2);
    /** Guarded by publishLock: the open publish flow's source, or null when none is open. */
    private @Nullable UnicastProcessor<Mqtt3Publish> outbox;
    volatile boolean established;
    @Nullable Mqtt3RxClient client;
    /** The event loop of the connection, once connected; null if HiveMQ hides its channel. */
    volatile @Nullable EventLoop loop;
    /** Publishes waiting to be handed to HiveMQ on {@link #loop}, in order. */
    private final ConcurrentLinkedQueue<Outgoing> toFeed = new ConcurrentLinkedQueue<>();
    private final AtomicInteger feedWip = new AtomicInteger();
    private final Runnable feedTask = this::feed;

    HiveMqConnection(Listener listener) {
      this.listener = listener;
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
      if (established && closedOnce.compareAndSet(false, true)) {
        // Pending publish flows hold the shared event loop; end them with the connection.
        abandonPublishes();
        listener.onClosed(classifyClose(cause));
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
        synchronized (publishLock) {
          hand(outgoing);
        }
        return;
      }
      toFeed.offer(outgoing);
      if (more) {
        // The caller's next publish schedules the hand-over of both.
        return;
      }
      if (feedWip.getAndIncrement() == 0) {
        if (l.inEventLoop()) {
          feed();
        } else {
          try {
            l.execute(feedTask);
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
        synchronized (publishLock) {
          Outgoing o;
          while ((o = toFeed.poll()) != null) {
            hand(o);
          }
        }
        missed = feedWip.addAndGet(-missed);
        if (missed == 0) {
          return;
        }
      }
    }

    /** Under publishLock: hands {@code o} to the publish flow, opening one if none is open. */
    private void hand(Outgoing o) {
      if (closedOnce.get()) {
        // Abandoned like the publishes in flight: the state machine sends it again elsewhere.
        return;
      }
      unacknowledged.add(o);
      UnicastProcessor<Mqtt3Publish> box = outbox;
      if (box == null) {
        box = UnicastProcessor.create(16);
        outbox = box;
        Results results = new Results(this, box);
        flows.add(results);
        client().publish(box).subscribe(results);
      }
      box.onNext(o.publish);
    }

    /** Stops feeding {@code box}, a flow that ended with an error; the next publish opens another. */
    void forget(UnicastProcessor<Mqtt3Publish> box) {
      synchronized (publishLock) {
        if (outbox == box) {
          outbox = null;
        }
      }
    }

    /** Ends the publish flows; what had no result yet is the state machine's to send again. */
    private void abandonPublishes() {
      flows.dispose();
      synchronized (publishLock) {
        toFeed.clear();
        unacknowledged.clear();
        outbox = null;
      }
    }

    /**
     * Takes the publish that {@code result} belongs to off the outstanding ones, and ends the flow
     * {@code box} when nothing is left in it; null if the result matches nothing (a late result
     * after the connection closed).
     */
    @Nullable Outgoing resolve(Mqtt3Publish published, UnicastProcessor<Mqtt3Publish> box) {
      synchronized (publishLock) {
        Outgoing match = null;
        Outgoing head = unacknowledged.peekFirst();
        if (head != null && head.publish.equals(published)) {
          match = unacknowledged.pollFirst();
        } else {
          for (Iterator<Outgoing> it = unacknowledged.iterator(); it.hasNext(); ) {
            Outgoing o = it.next();
            if (o.publish.equals(published)) {
              it.remove();
              match = o;
              break;
            }
          }
        }
        if (unacknowledged.isEmpty() && outbox == box) {
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
      closedOnce.set(true);
      abandonPublishes();
      client().disconnect().subscribe(done::run, error -> done.run());
    }

    @Override
    public void abort() {
      closedOnce.set(true);
      abandonPublishes();
      Mqtt3RxClient c = client;
      if (c != null) {
        // MQTT 3.1.1 has no abort without DISCONNECT in HiveMQ's API; DISCONNECT is harmless here.
        c.disconnect().subscribe(() -> { }, error -> { });
      }
    }
  }
}
