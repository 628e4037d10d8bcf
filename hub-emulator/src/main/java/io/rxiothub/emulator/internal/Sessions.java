// The connection lifecycle per identity (protocol.md §3, §4): connect, replace, token expiry, subscriptions kept by a
// persistent session and restored to the broker, disconnect with the Will captured as telemetry.
package io.rxiothub.emulator.internal;

import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every identity's {@link Session}. Thread-safe: this object is the lock of the sessions and of the C2D deliveries
 * they hold ({@link C2dQueue} takes it too); nothing calls the broker or user code while holding it: a lock section
 * queues such calls (C2D state signals, publishes) on {@link #callOuts()} and runs them after it.
 */
public final class Sessions {

  private static final Logger LOG = LoggerFactory.getLogger(Sessions.class);
  private static final int RESTORE_RETRIES = 100;

  private final Clock clock;
  private final ScheduledExecutorService timer;
  private final Publisher publisher;
  private final TelemetryIntake telemetry;
  private final Consumer<Identity> subscriptionsRestored;
  private final Map<Identity, Session> sessions = new HashMap<>();
  private final Map<String, AtomicLong> accepted = new ConcurrentHashMap<>();
  private final CallOuts callOuts = new CallOuts(this);

  /**
   * Creates the sessions; Wills go to {@code telemetry}, and {@code subscriptionsRestored} runs once a persistent
   * session's subscriptions are back in the broker.
   */
  public Sessions(Clock clock, ScheduledExecutorService timer, Publisher publisher, TelemetryIntake telemetry,
      Consumer<Identity> subscriptionsRestored) {
    this.clock = clock;
    this.timer = timer;
    this.publisher = publisher;
    this.telemetry = telemetry;
    this.subscriptionsRestored = subscriptionsRestored;
  }

  /** The calls to make after the lock is released. */
  CallOuts callOuts() {
    return callOuts;
  }

  /** The identity's session, if it ever had one (caller holds the lock). */
  @Nullable Session get(Identity identity) {
    return sessions.get(identity);
  }

  private synchronized Session session(Identity identity) {
    return sessions.computeIfAbsent(identity, k -> new Session());
  }

  /** How many connections of the client the hub accepted since it was built. */
  public long acceptedConnections(String clientId) {
    AtomicLong count = accepted.get(clientId);
    return count == null ? 0 : count.get();
  }

  /**
   * Records an accepted connection; a previous connection of the same identity is being replaced by the broker.
   * Then restores a persistent session's subscriptions.
   */
  public void connected(Identity identity, String connectionId, boolean persistent, long tokenExpiryEpochSeconds) {
    ScheduledFuture<?> previousExpiry;
    Map<String, Integer> restore;
    synchronized (this) {
      Session session = session(identity);
      if (session.connected) {
        LOG.info("hub emulator: new connection of {} replaces the existing one"
            + " (400027 ConnectionForcefullyClosedOnNewConnection)", identity);
      }
      if (!persistent) {
        session.requeueC2d(callOuts);
      }
      previousExpiry = session.tokenExpiry;
      session.connectionId = connectionId;
      session.connected = true;
      if (!persistent) {
        session.subscriptions.clear();
      }
      session.persistent = persistent;
      restore = new LinkedHashMap<>(session.subscriptions);
      long delayMillis = Math.max(0, tokenExpiryEpochSeconds * 1000 - clock.millis());
      session.tokenExpiry = timer.schedule(() -> tokenExpired(identity, connectionId), delayMillis,
          TimeUnit.MILLISECONDS);
    }
    callOuts.run();
    if (previousExpiry != null) {
      previousExpiry.cancel(false);
    }
    accepted.computeIfAbsent(identity.clientId(), k -> new AtomicLong()).incrementAndGet();
    LOG.info("hub emulator: {} connected ({} session)", identity, persistent ? "persistent" : "clean");
    if (restore.isEmpty()) {
      return;
    }
    restoreSubscriptions(identity, connectionId, restore, 0);
  }

  private void restoreSubscriptions(Identity identity, String connectionId, Map<String, Integer> subs, int attempt) {
    BrokerLink broker = publisher.link();
    if (broker == null || !isCurrent(identity, connectionId)) {
      return;
    }
    broker.addSubscriptions(identity.clientId(), subs).whenComplete((ok, error) -> {
      if (error == null) {
        LOG.debug("hub emulator: restored {} subscriptions of {}", subs.size(), identity);
        subscriptionsRestored.accept(identity);
      } else if (attempt < RESTORE_RETRIES) {
        timer.schedule(() -> restoreSubscriptions(identity, connectionId, subs, attempt + 1), 10,
            TimeUnit.MILLISECONDS);
      } else {
        LOG.warn("hub emulator: could not restore the subscriptions of {}: {}", identity, error.toString());
      }
    });
  }

  private void tokenExpired(Identity identity, String connectionId) {
    BrokerLink broker = publisher.link();
    if (broker != null && isCurrent(identity, connectionId)) {
      LOG.info("hub emulator: SAS token of {} expired, closing its connection (401003 IoTHubUnauthorized)",
          identity);
      broker.disconnect(identity.clientId());
    }
  }

  private synchronized boolean isCurrent(Identity identity, String connectionId) {
    Session session = sessions.get(identity);
    return session != null && session.connected && connectionId.equals(session.connectionId);
  }

  /**
   * Records that a connection ended; an ungraceful end (no DISCONNECT) delivers the Will as telemetry with
   * {@code iothub-MessageType=Will}.
   */
  public void disconnected(Identity identity, String connectionId, boolean graceful, @Nullable Will will) {
    ScheduledFuture<?> expiry = null;
    boolean current;
    synchronized (this) {
      Session session = sessions.get(identity);
      // a stale connection (replaced by a newer one, or of a deleted device) changes no session, but its Will counts
      current = session != null && connectionId.equals(session.connectionId) && session.connected;
      if (current) {
        session.connected = false;
        expiry = session.tokenExpiry;
        session.tokenExpiry = null;
        if (!session.persistent) {
          // The broker drops a clean session's queue; a persistent one keeps C2D in flight and resends it.
          session.requeueC2d(callOuts);
          session.subscriptions.clear();
        }
      }
    }
    callOuts.run();
    if (current) {
      if (expiry != null) {
        expiry.cancel(false);
      }
      LOG.info("hub emulator: {} disconnected{}", identity, graceful ? "" : " (connection lost)");
    }
    if (!graceful && will != null) {
      // outside the lock: telemetry subscribers are user code (one may send a C2D message from it)
      telemetry.captureWill(identity, will);
    }
  }

  /** The broker stopped: every connection ends (no Will) and C2D in flight must be delivered again. */
  public void brokerStopped() {
    List<Identity> online = new ArrayList<>();
    synchronized (this) {
      for (Map.Entry<Identity, Session> e : sessions.entrySet()) {
        if (e.getValue().connected) {
          online.add(e.getKey());
        }
      }
    }
    for (Identity identity : online) {
      Session session = session(identity);
      String connectionId;
      synchronized (this) {
        connectionId = session.connectionId;
      }
      if (connectionId != null) {
        disconnected(identity, connectionId, false, null);
      }
    }
    synchronized (this) {
      // The broker's sessions are gone: C2D in flight must be delivered again.
      sessions.values().forEach(session -> session.requeueC2d(callOuts));
    }
    callOuts.run();
  }

  /** Forgets a deleted identity's session. */
  public synchronized void remove(Identity identity) {
    sessions.remove(identity);
  }

  /** Records an authorized subscription (QoS capped at 1). */
  public synchronized void subscribed(Identity identity, String filter, int qos) {
    session(identity).subscriptions.put(filter, Math.min(qos, 1));
  }

  /** Records an unsubscription. */
  public synchronized void unsubscribed(Identity identity, String filter) {
    session(identity).subscriptions.remove(filter);
  }

  /** Whether the identity is connected and subscribed to {@code filter}. */
  public synchronized boolean isSubscribed(Identity identity, String filter) {
    Session session = sessions.get(identity);
    return session != null && session.connected && session.subscriptions.containsKey(filter);
  }

  /** Whether the identity is connected. */
  public synchronized boolean isConnected(Identity identity) {
    Session session = sessions.get(identity);
    return session != null && session.connected;
  }

  /** Whether our records say the identity is connected and subscribed to a filter matching {@code topic}. */
  public synchronized boolean expectsTopic(Identity identity, String topic) {
    Session session = sessions.get(identity);
    if (session == null || !session.connected) {
      return false;
    }
    for (String filter : session.subscriptions.keySet()) {
      if (TopicRules.underFilter(filter, topic)) {
        return true;
      }
    }
    return false;
  }

  /** Closes the identity's connection without an MQTT close; returns whether it was connected. */
  public boolean dropConnection(Identity identity) {
    BrokerLink broker = publisher.link();
    if (broker == null || !isConnected(identity)) {
      return false;
    }
    LOG.info("hub emulator: dropping the connection of {} on request", identity);
    broker.disconnect(identity.clientId());
    return true;
  }
}
