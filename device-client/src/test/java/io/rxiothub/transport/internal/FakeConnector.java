// A scripted MqttConnector (a seam we own) for state-machine tests driven by a TestScheduler.
package io.rxiothub.transport.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.jspecify.annotations.Nullable;

/** Records connect attempts; each attempt is answered by the test. */
public final class FakeConnector implements MqttConnector {

  public final List<FakeAttempt> attempts = new CopyOnWriteArrayList<>();

  @Override
  public Cancellation connect(ConnectRequest request, Listener listener, ConnectCallback callback) {
    FakeAttempt a = new FakeAttempt(request, listener, callback);
    attempts.add(a);
    return () -> a.cancelled = true;
  }

  public FakeAttempt last() {
    return attempts.get(attempts.size() - 1);
  }

  /** One attempt and, once accepted, its connection. */
  public static final class FakeAttempt implements MqttConnection {
    public final ConnectRequest request;
    public final Listener listener;
    public final ConnectCallback callback;
    public final List<Published> published = new CopyOnWriteArrayList<>();
    public final List<String> subscribed = new CopyOnWriteArrayList<>();
    /** When true, SUBACKs wait in {@code heldSubAcks} until the test releases them. */
    public volatile boolean holdSubAcks;
    public final List<Callback> heldSubAcks = new CopyOnWriteArrayList<>();
    public volatile boolean cancelled;
    public volatile boolean disconnected;
    public volatile boolean aborted;

    public FakeAttempt(ConnectRequest request, Listener listener, ConnectCallback callback) {
      this.request = request;
      this.listener = listener;
      this.callback = callback;
    }

    public FakeAttempt accept() {
      callback.connected(this);
      return this;
    }

    public void refuse(Throwable error) {
      callback.failed(error);
    }

    public void drop(String why) {
      listener.onClosed(new java.io.IOException(why));
    }

    public List<String> topics() {
      List<String> out = new ArrayList<>();
      for (Published p : published) {
        out.add(p.topic);
      }
      return out;
    }

    public void ackAll() {
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
  public static final class Published {
    public final String topic;
    public final byte[] payload;
    public final boolean atMostOnce;
    /** The client said another publish follows at once. */
    public final boolean more;
    public final Callback done;
    public boolean acked;

    public Published(String topic, byte[] payload, boolean atMostOnce, boolean more, Callback done) {
      this.topic = topic;
      this.payload = payload;
      this.atMostOnce = atMostOnce;
      this.more = more;
      this.done = done;
    }

    public void ack() {
      if (!acked) {
        acked = true;
        done.done(null);
      }
    }

    public void fail(@Nullable Throwable error) {
      done.done(error);
    }
  }

  /** An inbound publish that records its acknowledgement. */
  public static final class FakeInbound implements InboundPublish {
    public final String topic;
    public final byte[] payload;
    public volatile int acks;

    public FakeInbound(String topic, byte[] payload) {
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
