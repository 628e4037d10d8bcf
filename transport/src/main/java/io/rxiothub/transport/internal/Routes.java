// Inbound routing by topic filter: the routes of one client, their subscriptions and the connection listeners.
package io.rxiothub.transport.internal;

import io.rxiothub.transport.internal.ClientCore.ConnectionListener;
import io.rxiothub.transport.internal.MqttConnector.InboundPublish;
import io.rxiothub.transport.internal.MqttConnector.MqttConnection;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The routes of one client: each filter is subscribed on the server once a subscriber wants it, and
 * again on every new connection; an inbound PUBLISH goes to the first route whose filter matches.
 * {@code routes} and {@link Route#wanted} are guarded by the machine's lock.
 */
final class Routes {

  private static final Logger LOG = LoggerFactory.getLogger(Routes.class);

  private final ConnectionMachine machine;
  // Arrays replaced on each change (a client has a few routes and listeners, added once): lighter than
  // an ArrayList and a CopyOnWriteArrayList with its lock. routes is guarded by the machine's lock,
  // listeners are written under this object's monitor and read without a lock.
  private Route<?>[] routes = new Route<?>[0];
  private volatile ConnectionListener[] listeners = new ConnectionListener[0];

  Routes(ConnectionMachine machine) {
    this.machine = machine;
  }

  /** Under the lock: adds a route. */
  void add(Route<?> route) {
    Route<?>[] grown = Arrays.copyOf(routes, routes.length + 1);
    grown[routes.length] = route;
    routes = grown;
  }

  synchronized void addListener(ConnectionListener listener) {
    ConnectionListener[] grown = Arrays.copyOf(listeners, listeners.length + 1);
    grown[listeners.length] = listener;
    listeners = grown;
  }

  /** Under the lock: a copy of the routes (to complete them on close). */
  List<Route<?>> snapshot() {
    return new ArrayList<>(Arrays.asList(routes));
  }

  /**
   * Under the lock: tells the listeners of the new connection {@code a} (before any SUBSCRIBE on
   * it), then subscribes every wanted route on it.
   */
  void connected(Attempt a, List<Runnable> fx) {
    for (ConnectionListener listener : listeners) {
      fx.add(() -> listener.connected(a));
    }
    for (Route<?> route : routes) {
      if (route.wanted) {
        subscribe(route, a, fx);
      }
    }
  }

  /** Under the lock: subscribes {@code route}'s filter on {@code a}'s connection. */
  void subscribe(Route<?> route, Attempt a, List<Runnable> fx) {
    MqttConnection connection = a.connection();
    String identity = machine.s.identity;
    fx.add(() -> connection.subscribe(route.filter, error -> {
      if (error != null) {
        LOG.warn("Subscription of {} to '{}' failed: {}", identity, route.filter,
            error.getMessage());
      } else {
        LOG.debug("{} subscribed to '{}'", identity, route.filter);
        for (ConnectionListener listener : listeners) {
          listener.subscribed(route.filter, a);
        }
      }
    }));
  }

  /** On the I/O thread: hands {@code publish} of connection {@code a} to its route. */
  void dispatch(Attempt a, InboundPublish publish) {
    Route<?> target = null;
    synchronized (machine) {
      target = find(publish.topic());
    }
    if (target == null) {
      LOG.warn("{} received a message on '{}', which no subscription expects; acknowledged and "
          + "dropped", machine.s.identity, publish.topic());
      publish.acknowledge();
      return;
    }
    target.offer(publish, a);
  }

  private @Nullable Route<?> find(String topic) {
    for (Route<?> route : routes) {
      if (TopicFilter.matches(route.filter, topic)) {
        return route;
      }
    }
    return null;
  }
}
