// Delivers the inbound messages of one topic filter to its subscribers, acknowledging after hand-off.
package io.rxiothub.transport.internal;

import io.reactivex.rxjava3.core.Flowable;
import io.reactivex.rxjava3.functions.Function;
import io.rxiothub.transport.internal.MqttConnector.InboundPublish;
import java.util.ArrayDeque;
import java.util.Arrays;
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
 * backpressure. Messages from a connection that has since closed are dropped here: the server delivers
 * them again on the next connection.
 */
final class Route<T> extends AtomicInteger implements Runnable {

  private static final Logger LOG = LoggerFactory.getLogger(Route.class);
  private static final RouteSubscription<?>[] NONE = new RouteSubscription<?>[0];

  final String filter;
  /** Guarded by the machine's lock: whether the filter is to be subscribed on the hub. */
  boolean wanted;

  private final ConnectionMachine machine;
  private final Function<InboundPublish, @Nullable T> decoder;
  // Every client has four routes, mostly idle, so a route is lean (its scheduler and held limit are
  // the machine's settings): the value of this AtomicInteger
  // is the drain's work-in-progress count (one drain at a time, so no serial worker), the route is
  // its own drain task, the queue of held messages exists only while it holds some, and the
  // subscribers are replaced on each change: the one subscriber itself (the common case, no array),
  // or an array of two or more, or the empty array. This route's monitor guards held and those
  // changes.
  private @Nullable ArrayDeque<Held<T>> held;
  private volatile Object subscribers = NONE;
  private volatile boolean completed;

  Route(ConnectionMachine machine, String filter, Function<InboundPublish, @Nullable T> decoder) {
    this.machine = machine;
    this.filter = filter;
    this.decoder = decoder;
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
        add(subscription);
        machine.routeWanted(Route.this);
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
    synchronized (this) {
      ArrayDeque<Held<T>> q = held;
      int maxHeld = machine.s.maxHeldInbound;
      if ((q == null ? 0 : q.size()) >= maxHeld) {
        LOG.warn("{} messages on '{}' wait for a subscriber; leaving one unacknowledged for the hub "
            + "to redeliver", maxHeld, filter);
        return;
      }
      if (q == null) {
        q = new ArrayDeque<>(2);
        held = q;
      }
      q.add(new Held<>(value, publish, attemptToken));
    }
    schedule();
  }

  /** Completes every subscriber (the client closed), after any delivery in progress. */
  void complete() {
    completed = true;
    if (getAndIncrement() == 0) {
      machine.s.callbackScheduler.scheduleDirect(this);
    }
  }

  private void schedule() {
    if (!completed && getAndIncrement() == 0) {
      machine.s.callbackScheduler.scheduleDirect(this);
    }
  }

  /** The drain: runs on the callback scheduler, one at a time (see the work-in-progress count). */
  @Override
  public void run() {
    int missed = 1;
    for (;;) {
      for (;;) {
        if (completed) {
          // Terminal: the work-in-progress count stays raised, so no drain runs again.
          Object last;
          synchronized (this) {
            last = subscribers;
            subscribers = NONE;
          }
          for (RouteSubscription<T> s : Route.<T>asArray(last)) {
            s.actual.onComplete();
          }
          return;
        }
        Held<T> next;
        synchronized (this) {
          ArrayDeque<Held<T>> q = held;
          next = q == null ? null : q.peek();
          if (next == null) {
            break;
          }
          if (!machine.isCurrent(next.attemptToken)) {
            poll(q);
            continue;
          }
        }
        Object live = subscribers;
        if (!allHaveDemand(live)) {
          break;
        }
        synchronized (this) {
          ArrayDeque<Held<T>> q = held;
          if (q != null) {
            poll(q);
          }
        }
        if (live instanceof RouteSubscription) {
          RouteSubscription<T> only = Route.<T>cast(live);
          only.produced();
          only.actual.onNext(next.value);
        } else {
          for (RouteSubscription<T> s : Route.<T>asArray(live)) {
            s.produced();
            s.actual.onNext(next.value);
          }
        }
        next.publish.acknowledge();
      }
      missed = addAndGet(-missed);
      if (missed == 0) {
        return;
      }
    }
  }

  /** Under this route's monitor: takes the head of {@code q}; the queue goes when it empties. */
  private void poll(ArrayDeque<Held<T>> q) {
    q.poll();
    if (q.isEmpty() && held == q) {
      held = null;
    }
  }

  /** Whether there is a subscriber and every one has demand. */
  private static boolean allHaveDemand(Object live) {
    if (live instanceof RouteSubscription) {
      return ((RouteSubscription<?>) live).get() != 0;
    }
    RouteSubscription<?>[] all = (RouteSubscription<?>[]) live;
    for (RouteSubscription<?> s : all) {
      if (s.get() == 0) {
        return false;
      }
    }
    return all.length > 0;
  }

  @SuppressWarnings("unchecked")
  private static <T> RouteSubscription<T> cast(Object subscription) {
    return (RouteSubscription<T>) subscription;
  }

  /** The subscribers as an array (made for one subscriber: on completion and removal only). */
  @SuppressWarnings("unchecked")
  private static <T> RouteSubscription<T>[] asArray(Object subscribers) {
    if (subscribers instanceof RouteSubscription) {
      return new RouteSubscription[] {(RouteSubscription<T>) subscribers};
    }
    return (RouteSubscription<T>[]) subscribers;
  }

  private synchronized void add(RouteSubscription<T> subscription) {
    Object old = subscribers;
    if (old == NONE) {
      subscribers = subscription;
      return;
    }
    RouteSubscription<T>[] all = asArray(old);
    RouteSubscription<T>[] grown = Arrays.copyOf(all, all.length + 1);
    grown[all.length] = subscription;
    subscribers = grown;
  }

  private void remove(RouteSubscription<T> subscription) {
    synchronized (this) {
      RouteSubscription<T>[] old = asArray(subscribers);
      for (int i = 0; i < old.length; i++) {
        if (old[i] == subscription) {
          if (old.length == 1) {
            subscribers = NONE;
          } else if (old.length == 2) {
            subscribers = old[1 - i];
          } else {
            RouteSubscription<T>[] shrunk = Arrays.copyOf(old, old.length - 1);
            System.arraycopy(old, i + 1, shrunk, i, old.length - 1 - i);
            subscribers = shrunk;
          }
          break;
        }
      }
    }
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

  /** A subscriber of the route; the value of this AtomicLong is its outstanding demand. */
  private static final class RouteSubscription<T> extends AtomicLong implements Subscription {
    final Route<T> route;
    final Subscriber<? super T> actual;

    RouteSubscription(Route<T> route, Subscriber<? super T> actual) {
      this.route = route;
      this.actual = actual;
    }

    void produced() {
      for (;;) {
        long r = get();
        if (r == Long.MAX_VALUE || compareAndSet(r, r - 1)) {
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
        long r = get();
        long sum = r + n < 0 ? Long.MAX_VALUE : r + n;
        if (compareAndSet(r, sum)) {
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
