// Delivers the inbound messages of one topic filter to its subscribers, acknowledging after hand-off.
package io.rxiothub.device.internal;

import io.reactivex.rxjava3.core.Flowable;
import io.reactivex.rxjava3.core.Scheduler;
import io.reactivex.rxjava3.functions.Function;
import io.rxiothub.device.internal.MqttConnector.InboundPublish;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;
import org.reactivestreams.Subscriber;
import org.reactivestreams.Subscription;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A hot, multicast route for one filter. Messages wait here unacknowledged until every current
 * subscriber has demand; each is then handed to all of them on the callback scheduler and only then
 * acknowledged (PUBACK). Unacknowledged messages make the hub hold back further ones, which is the
 * backpressure. Messages from a connection that has since closed are dropped here: the hub delivers
 * them again on the next connection.
 */
final class Route<T> {

  private static final Logger LOG = LoggerFactory.getLogger(Route.class);

  final String filter;
  /** Guarded by the core's lock: whether the filter is to be subscribed on the hub. */
  boolean wanted;

  private final ClientCore core;
  private final Function<InboundPublish, @Nullable T> decoder;
  private final Scheduler callbackScheduler;
  /** Runs {@link #drain}; one at a time thanks to {@link #wip}, so no serial worker is needed. */
  private final Runnable drainTask = this::drain;
  private final int maxHeld;
  /** Sized for the usual handful: every client has four routes, mostly idle. */
  private final ArrayDeque<Held<T>> held = new ArrayDeque<>(2);
  private final CopyOnWriteArrayList<RouteSubscription<T>> subscribers =
      new CopyOnWriteArrayList<>();
  private final AtomicInteger wip = new AtomicInteger();
  private volatile boolean completed;

  Route(ClientCore core, String filter, Function<InboundPublish, @Nullable T> decoder,
      Scheduler callbackScheduler, int maxHeld) {
    this.core = core;
    this.filter = filter;
    this.decoder = decoder;
    this.callbackScheduler = callbackScheduler;
    this.maxHeld = maxHeld;
  }

  Flowable<T> flowable() {
    return new Flowable<T>() {
      @Override
      protected void subscribeActual(Subscriber<? super T> subscriber) {
        RouteSubscription<T> subscription = new RouteSubscription<>(Route.this, subscriber);
        subscriber.onSubscribe(subscription);
        if (completed) {
          subscriber.onComplete();
          return;
        }
        subscribers.add(subscription);
        core.routeWanted(Route.this);
        schedule();
      }
    };
  }

  /** Called on the I/O thread for each matching PUBLISH of the connection {@code attemptToken}. */
  void offer(InboundPublish publish, Object attemptToken) {
    T value;
    try {
      value = decoder.apply(publish);
    } catch (Throwable e) {
      LOG.warn("Skipped a message on '{}': {}", publish.topic(), e.toString());
      value = null;
    }
    if (value == null) {
      // Garbage is acknowledged, or the hub would redeliver it forever.
      publish.acknowledge();
      return;
    }
    synchronized (held) {
      if (held.size() >= maxHeld) {
        LOG.warn("{} messages on '{}' wait for a subscriber; leaving one unacknowledged for the hub "
            + "to redeliver", maxHeld, filter);
        return;
      }
      held.add(new Held<>(value, publish, attemptToken));
    }
    schedule();
  }

  /** Completes every subscriber (the client closed), after any delivery in progress. */
  void complete() {
    completed = true;
    if (wip.getAndIncrement() == 0) {
      callbackScheduler.scheduleDirect(drainTask);
    }
  }

  private void schedule() {
    if (!completed && wip.getAndIncrement() == 0) {
      callbackScheduler.scheduleDirect(drainTask);
    }
  }

  private void drain() {
    int missed = 1;
    for (;;) {
      for (;;) {
        if (completed) {
          // Terminal: wip stays raised, so no drain runs again.
          for (RouteSubscription<T> s : subscribers) {
            s.actual.onComplete();
          }
          subscribers.clear();
          return;
        }
        Held<T> next;
        synchronized (held) {
          next = held.peek();
          if (next == null) {
            break;
          }
          if (!core.isCurrent(next.attemptToken)) {
            held.poll();
            continue;
          }
        }
        List<RouteSubscription<T>> live = new ArrayList<>(subscribers);
        if (live.isEmpty() || !allHaveDemand(live)) {
          break;
        }
        synchronized (held) {
          held.poll();
        }
        for (RouteSubscription<T> s : live) {
          s.produced();
          s.actual.onNext(next.value);
        }
        next.publish.acknowledge();
      }
      missed = wip.addAndGet(-missed);
      if (missed == 0) {
        return;
      }
    }
  }

  private static <T> boolean allHaveDemand(List<RouteSubscription<T>> live) {
    for (RouteSubscription<T> s : live) {
      if (s.requested.get() == 0) {
        return false;
      }
    }
    return true;
  }

  private void remove(RouteSubscription<T> subscription) {
    subscribers.remove(subscription);
    schedule();
  }

  private static final class Held<T> {
    final T value;
    final InboundPublish publish;
    final Object attemptToken;

    Held(T value, InboundPublish publish, Object attemptToken) {
      this.value = value;
      this.publish = publish;
      this.attemptToken = attemptToken;
    }
  }

  private static final class RouteSubscription<T> implements Subscription {
    final Route<T> route;
    final Subscriber<? super T> actual;
    final AtomicLong requested = new AtomicLong();

    RouteSubscription(Route<T> route, Subscriber<? super T> actual) {
      this.route = route;
      this.actual = actual;
    }

    void produced() {
      for (;;) {
        long r = requested.get();
        if (r == Long.MAX_VALUE || requested.compareAndSet(r, r - 1)) {
          return;
        }
      }
    }

    @Override
    public void request(long n) {
      if (n <= 0) {
        route.remove(this);
        actual.onError(new IllegalArgumentException(
            "Reactive Streams rule 3.9: request(n) needs n > 0, got " + n));
        return;
      }
      for (;;) {
        long r = requested.get();
        long sum = r + n < 0 ? Long.MAX_VALUE : r + n;
        if (requested.compareAndSet(r, sum)) {
          break;
        }
      }
      route.schedule();
    }

    @Override
    public void cancel() {
      route.remove(this);
    }
  }
}
