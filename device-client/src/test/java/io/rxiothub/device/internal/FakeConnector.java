// A scripted MqttConnector (a seam we own) for state-machine tests driven by a TestScheduler.
package io.rxiothub.device.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.jspecify.annotations.Nullable;

/** Records connect attempts; each attempt is answered by the test. */
final class FakeConnector implements MqttConnector {

  final List<FakeAttempt> attempts = new CopyOnWriteArrayList<>();

  @Override
  public Cancellation connect(ConnectRequest request, Listener listener, ConnectCallback callback) {
    FakeAttempt a = new FakeAttempt(request, listener, callback);
    attempts.add(a);
    return () -> a.cancelled = true;
  }

  FakeAttempt last() {
    return attempts.get(attempts.size() - 1);
  }

  /** One attempt and, once accepted, its connection. */
  static final class FakeAttempt implements MqttConnection {
    final ConnectRequest request;
    final Listener listener;
    final ConnectCallback callback;
    final List<Published> published = new CopyOnWriteArrayList<>();
    final List<String> subscribed = new CopyOnWriteArrayList<>();
    /** When true, SUBACKs wait in {@code heldSubAcks} until the test releases them. */
    volatile boolean holdSubAcks;
    final List<Callback> heldSubAcks = new CopyOnWriteArrayList<>();
    volatile boolean cancelled;
    volatile boolean disconnected;
    volatile boolean aborted;

    FakeAttempt(ConnectRequest request, Listener listener, ConnectCallback callback) {
      this.request = request;
      this.listener = listener;
      this.callback = callback;
    }

    FakeAttempt accept() {
      callback.connected(this);
      return this;
    }

    void refuse(Throwable error) {
      callback.failed(error);
    }

    void drop(String why) {
      listener.onClosed(new java.io.IOException(why));
    }

    List<String> topics() {
      List<String> out = new ArrayList<>();
      for (Published p : published) {
        out.add(p.topic);
      }
      return out;
    }

    void ackAll() {
      for (Published p : published) {
        p.ack();
      }
    }

    @Override
    public void publish(String topic, byte[] payload, boolean atMostOnce, boolean more,
        Callback done) {
      published.add(new Published(topic, payload, atMostOnce, more, done));
    }

    @Override
    public void subscribe(String filter, Callback done) {
      subscribed.add(filter);
      if (holdSubAcks) {
        heldSubAcks.add(done);
      } else {
        done.done(null);
      }
    }

    @Override
    public void disconnect(Runnable done) {
      disconnected = true;
      done.run();
    }

    @Override
    public void abort() {
      aborted = true;
    }
  }

  /** One publish handed to the fake connection. */
  static final class Published {
    final String topic;
    final byte[] payload;
    final boolean atMostOnce;
    /** The client said another publish follows at once. */
    final boolean more;
    final Callback done;
    boolean acked;

    Published(String topic, byte[] payload, boolean atMostOnce, boolean more, Callback done) {
      this.topic = topic;
      this.payload = payload;
      this.atMostOnce = atMostOnce;
      this.more = more;
      this.done = done;
    }

    void ack() {
      if (!acked) {
        acked = true;
        done.done(null);
      }
    }

    void fail(@Nullable Throwable error) {
      done.done(error);
    }
  }

  /** An inbound publish that records its acknowledgement. */
  static final class FakeInbound implements InboundPublish {
    final String topic;
    final byte[] payload;
    volatile int acks;

    FakeInbound(String topic, byte[] payload) {
      this.topic = topic;
      this.payload = payload;
    }

    @Override
    public String topic() {
      return topic;
    }

    @Override
    public byte[] payload() {
      return payload;
    }

    @Override
    public void acknowledge() {
      acks++;
    }
  }
}
