// The outbound batch, a lock-free stack linked through its entries: publishes reach MQTT once each, in
// the order they were added under the lock, one caller at a time, with "more" only before a publish
// to the same connection.
package io.rxiothub.transport.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.reactivex.rxjava3.schedulers.Schedulers;
import io.reactivex.rxjava3.schedulers.TestScheduler;
import io.rxiothub.transport.internal.MqttConnector.Callback;
import io.rxiothub.transport.internal.MqttConnector.MqttConnection;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class OutboundBatchTest {

  @Test
  void publishesAddedOnFourThreadsReachTheirConnectionsOnceEachInAddOrderOneCallerAtATime()
      throws Exception {
    ClientCore core = new ClientCore(Loopback.settings(Schedulers.trampoline(), new TestScheduler()),
        new Loopback((filter, listener) -> { }), () -> { });
    List<String> published = new ArrayList<>();
    List<Attempt> publishedOn = new ArrayList<>();
    List<Boolean> more = new ArrayList<>();
    AtomicBoolean inside = new AtomicBoolean();
    List<String> overlaps = new ArrayList<>();
    Attempt[] attempts = new Attempt[2];
    for (int i = 0; i < 2; i++) {
      Attempt a = new Attempt(core.machine, i + 1);
      a.connection = new Recording(a, published, publishedOn, more, inside, overlaps);
      attempts[i] = a;
    }
    OutboundBatch batch = new OutboundBatch();
    Object lock = new Object();
    List<String> added = new ArrayList<>();
    int threads = 4;
    int perThread = 5_000;
    CyclicBarrier start = new CyclicBarrier(threads);
    List<Thread> producers = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      int thread = t;
      Thread producer = new Thread(() -> {
        try {
          start.await();
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
        for (int i = 0; i < perThread; i++) {
          String topic = thread + "/" + i;
          synchronized (lock) {
            // Runs of a few publishes per connection, as a step hands them over.
            Attempt a = attempts[(i / 3) % 2];
            batch.add(new PendingSend(core.machine, topic, new byte[0], false, null, null, null), a);
            added.add(topic);
          }
          batch.run();
        }
      });
      producers.add(producer);
      producer.start();
    }
    for (Thread producer : producers) {
      producer.join();
    }
    assertThat(overlaps).as("publishes made while another caller published").isEmpty();
    assertThat(published).as("publishes in the order they were added").isEqualTo(added);
    for (int i = 0; i < published.size(); i++) {
      if (more.get(i)) {
        assertThat(i + 1).as("a publish with more=true is followed by another").isLessThan(published.size());
        assertThat(publishedOn.get(i + 1)).as("the publish after %s (more=true)", published.get(i))
            .isSameAs(publishedOn.get(i));
      }
    }
    assertThat(more.get(more.size() - 1)).as("the last publish says no more follow").isFalse();
  }

  /** Records each publish; the batch calls it from one thread at a time. */
  private static final class Recording implements MqttConnection {
    private final Attempt attempt;
    private final List<String> published;
    private final List<Attempt> publishedOn;
    private final List<Boolean> more;
    private final AtomicBoolean inside;
    private final List<String> overlaps;

    Recording(Attempt attempt, List<String> published, List<Attempt> publishedOn, List<Boolean> more,
        AtomicBoolean inside, List<String> overlaps) {
      this.attempt = attempt;
      this.published = published;
      this.publishedOn = publishedOn;
      this.more = more;
      this.inside = inside;
      this.overlaps = overlaps;
    }

    @Override
    public void publish(String topic, byte[] payload, boolean atMostOnce, boolean moreFollow,
        Callback done) {
      if (!inside.compareAndSet(false, true)) {
        synchronized (overlaps) {
          overlaps.add(topic);
        }
        return;
      }
      published.add(topic);
      publishedOn.add(attempt);
      more.add(moreFollow);
      inside.set(false);
    }

    @Override
    public void subscribe(String filter, Callback done) { }

    @Override
    public void disconnect(Runnable done) { }

    @Override
    public void abort() { }
  }
}
