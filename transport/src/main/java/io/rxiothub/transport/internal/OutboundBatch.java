// Outbound batching: hands publishes to MQTT in transmission order, a run of them at once.
package io.rxiothub.transport.internal;

import io.rxiothub.transport.internal.MqttConnector.MqttConnection;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;

/**
 * Publishes handed to connections (under the machine's lock) wait here until {@link #run} hands them
 * to MQTT outside the lock, from one thread at a time, telling the connection when more follow at
 * once so that it can send them together. The value of this AtomicInteger is the drain's
 * work-in-progress count; the batch is its own drain task.
 */
final class OutboundBatch extends AtomicInteger implements Runnable {

  private static final long serialVersionUID = 1L;

  private final ConcurrentLinkedQueue<Outbound> outbound = new ConcurrentLinkedQueue<>();

  /** Under the machine's lock: queues {@code p} for {@code a}'s connection; then run this. */
  void add(PendingSend p, Attempt a) {
    outbound.add(new Outbound(p, a));
  }

  @Override
  public void run() {
    if (getAndIncrement() != 0) {
      return;
    }
    int missed = 1;
    for (;;) {
      Outbound o;
      while ((o = outbound.poll()) != null) {
        Outbound next = outbound.peek();
        boolean more = next != null && next.connection == o.connection;
        PendingSend p = o.send;
        o.connection.publish(p.topic, p.payload, p.atMostOnce, more, o);
      }
      missed = addAndGet(-missed);
      if (missed == 0) {
        return;
      }
    }
  }

  /** A send handed to one connection, waiting to be published there; then its PUBACK callback. */
  private static final class Outbound implements MqttConnector.Callback {
    final PendingSend send;
    final Attempt attempt;
    final MqttConnection connection;

    Outbound(PendingSend send, Attempt attempt) {
      this.send = send;
      this.attempt = attempt;
      this.connection = attempt.connection();
    }

    @Override
    public void done(@Nullable Throwable error) {
      attempt.machine.onPublished(send, attempt, error);
    }
  }
}
