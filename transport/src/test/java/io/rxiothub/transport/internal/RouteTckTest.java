// Route's hot Flowable against the Reactive Streams TCK (rules 1.x to 3.x for a Publisher).
package io.rxiothub.transport.internal;

import io.reactivex.rxjava3.core.Flowable;
import io.reactivex.rxjava3.schedulers.Schedulers;
import io.rxiothub.transport.internal.MqttConnector.InboundPublish;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;
import org.reactivestreams.Publisher;
import org.reactivestreams.tck.PublisherVerification;
import org.reactivestreams.tck.TestEnvironment;
import org.testng.annotations.AfterClass;

/**
 * Each publisher is the route of a fresh client on a loopback connection: once the route is
 * subscribed on the connection, the "server" sends message 0, and each next one when the previous
 * was acknowledged (the route acknowledges after every subscriber got it); after the last
 * acknowledgement it closes the client, which completes the route. So the route emits exactly the
 * elements the TCK asks for, then completes, through its real hand-off and acknowledgement path.
 */
public class RouteTckTest extends PublisherVerification<String> {

  private final ExecutorService callbacks = Executors.newSingleThreadExecutor(r -> {
    Thread t = new Thread(r, "route-tck-callback");
    t.setDaemon(true);
    return t;
  });

  public RouteTckTest() {
    super(new TestEnvironment(2_000, 50, 20), 1_000);
  }

  @AfterClass
  void stopThreads() {
    callbacks.shutdownNow();
  }

  @Override
  public Publisher<String> createPublisher(long elements) {
    AtomicReference<@Nullable ClientCore> client = new AtomicReference<>();
    ClientCore core = new ClientCore(Loopback.settings(Schedulers.from(callbacks)),
        new Loopback((filter, listener) -> {
          ClientCore c = client.get();
          if (c != null) {
            new Feed(c, listener, elements).next(0);
          }
        }), () -> { });
    client.set(core);
    core.connect().subscribe();
    Flowable<String> route = core.inbound("tck/#",
        publish -> new String(publish.payload(), StandardCharsets.UTF_8));
    return route;
  }

  @Override
  public @Nullable Publisher<String> createFailedPublisher() {
    return null; // a route never fails: its client closing completes it
  }

  /** The server side: one message at a time, the next after the previous one's PUBACK. */
  private static final class Feed {
    final ClientCore core;
    final MqttConnector.Listener listener;
    final long elements;

    Feed(ClientCore core, MqttConnector.Listener listener, long elements) {
      this.core = core;
      this.listener = listener;
      this.elements = elements;
    }

    void next(long i) {
      if (i == elements) {
        core.close();
        return;
      }
      byte[] payload = ("m" + i).getBytes(StandardCharsets.UTF_8);
      listener.onPublish(new InboundPublish() {
        @Override
        public String topic() {
          return "tck/" + i;
        }

        @Override
        public byte[] payload() {
          return payload;
        }

        @Override
        public void acknowledge() {
          next(i + 1);
        }
      });
    }
  }
}
