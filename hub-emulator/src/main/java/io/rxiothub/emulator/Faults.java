// The emulator's fault-injection API for tests: network faults, broker outages, PUBACK and twin failures.
package io.rxiothub.emulator;

import io.reactivex.rxjava3.core.Completable;
import io.rxiothub.emulator.internal.FaultInjector;
import java.time.Duration;
import java.util.function.Function;
import java.util.function.ToLongFunction;

/**
 * Injects faults into one identity's connections, or into the whole hub, from a test. Get it from
 * {@link HubEmulator#faults()}. Devices can also request faults themselves with the D2C properties of the
 * official SDKs' end-to-end suites ({@code AzIoTHub_FaultOperationType} and friends, see the module README).
 *
 * <p>{@code clientId} is a device id, or {@code {deviceId}/{moduleId}} for a module (the MQTT client id). Rules last
 * until they run out or {@link #clear(String)}; windows are measured in real (monotonic) time, not with the
 * emulator's {@link java.time.Clock}. Network faults act in the emulator's TCP front, which relays each device
 * connection to the embedded broker. Thread-safe; every method but {@link #brokerOutage(Duration)} acts at once.
 */
public final class Faults {

  private final FaultInjector injector;
  private final ToLongFunction<String> accepted;
  private final Function<Duration, Completable> outage;
  private final Runnable restart;

  Faults(FaultInjector injector, ToLongFunction<String> accepted, Function<Duration, Completable> outage,
      Runnable restart) {
    this.injector = injector;
    this.accepted = accepted;
    this.outage = outage;
    this.restart = restart;
  }

  /**
   * Severs the client's TCP connections now with a TCP reset: no MQTT close, no TLS or WebSocket close, no FIN (the
   * {@code KillTcp} fault). The broker sees the connection lost, so a Will is published.
   *
   * @return whether a connection was open
   */
  public boolean killTcp(String clientId) {
    return injector.killTcp(check(clientId));
  }

  /**
   * Closes the client's MQTT connection in an orderly way, as the hub does for {@code ShutDownMqtt} and for the
   * {@code Invoke*} faults (MQTT 3.1.1 has no server DISCONNECT: the broker closes the connection).
   *
   * @return whether a connection was open
   */
  public boolean shutDownMqtt(String clientId) {
    return injector.shutDownMqtt(check(clientId));
  }

  /**
   * For {@code duration} from now, closes every connection of the client right after its CONNECT, without a CONNACK
   * (how the hub treats reconnects during a fault's duration). The current connection is not touched.
   *
   * @throws IllegalArgumentException if {@code duration} is negative
   */
  public void refuseConnects(String clientId, Duration duration) {
    injector.refuseConnects(check(clientId), checkDuration(duration), 0);
  }

  /**
   * For {@code duration} from now, answers every CONNECT of the client with CONNACK {@code returnCode} (1..5; the
   * hub uses 3 for a disabled device and 5 for bad credentials). The current connection is not touched.
   *
   * @throws IllegalArgumentException if {@code returnCode} is not in 1..5 or {@code duration} is negative
   */
  public void refuseConnects(String clientId, Duration duration, int returnCode) {
    if (returnCode < 1 || returnCode > 5) {
      throw new IllegalArgumentException("returnCode must be an MQTT 3.1.1 refusal code in 1..5, got " + returnCode);
    }
    injector.refuseConnects(check(clientId), checkDuration(duration), returnCode);
  }

  /**
   * Answers the client's next {@code count} twin requests (GET or reported PATCH, in arrival order) with
   * {@code status} and a JSON error body instead of processing them; the twin does not change.
   *
   * @throws IllegalArgumentException if {@code status} is not in 400..599 or {@code count} is negative
   */
  public void failTwinRequests(String clientId, int status, int count) {
    if (status < 400 || status > 599) {
      throw new IllegalArgumentException("status must be an error status in 400..599, got " + status);
    }
    if (count < 0) {
      throw new IllegalArgumentException("count must not be negative, got " + count);
    }
    injector.failTwinRequests(check(clientId), status, count);
  }

  /**
   * Holds every PUBACK the hub sends the client for {@code delay} before writing it ({@link Duration#ZERO} ends
   * the delay). The messages themselves are captured at once.
   *
   * @throws IllegalArgumentException if {@code delay} is negative
   */
  public void delayPubacks(String clientId, Duration delay) {
    injector.delayPubacks(check(clientId), checkDuration(delay));
  }

  /**
   * Drops the next {@code count} PUBACKs the hub sends the client (0 ends it). The messages are captured; the
   * device never learns it, so it sends them again after its next reconnect (duplicates by message id).
   *
   * @throws IllegalArgumentException if {@code count} is negative
   */
  public void dropPubacks(String clientId, int count) {
    if (count < 0) {
      throw new IllegalArgumentException("count must not be negative, got " + count);
    }
    injector.dropPubacks(check(clientId), count);
  }

  /**
   * Partitions the client from the hub: its open connections become blackholes (bytes in either direction are
   * dropped, nothing is closed, no FIN, no RST), and so does every connection it opens until {@link #heal}: TCP and
   * TLS complete, the CONNECT goes nowhere. The broker times the connection out by its keep-alive; the device
   * notices only through its own keep-alive or timeouts.
   */
  public void partition(String clientId) {
    injector.partition(check(clientId));
  }

  /**
   * Ends a partition: new connections pass again, and connections that lived through it are reset (the bytes they
   * lost cannot be replayed). No-op when the client is not partitioned.
   */
  public void heal(String clientId) {
    injector.heal(check(clientId));
  }

  /** Whether the client is partitioned now. */
  public boolean isPartitioned(String clientId) {
    return injector.isPartitioned(check(clientId));
  }

  /**
   * How many TCP connections of the client are open in the emulator's front now (counting those that sent a
   * CONNECT, blackholed ones included): 0 once a closed client left no socket behind.
   */
  public int openConnections(String clientId) {
    return injector.openConnections(check(clientId));
  }

  /**
   * How many connections of the client the hub accepted (CONNACK 0) since the emulator was built: lets a test
   * compare the connections a client reports with those the hub saw.
   */
  public long acceptedConnections(String clientId) {
    return accepted.applyAsLong(check(clientId));
  }

  /** Forgets every rule of the client: refusals, PUBACK and twin faults; heals a partition. */
  public void clear(String clientId) {
    injector.clear(check(clientId));
  }

  /** Forgets every rule of every client and heals every partition. */
  public void clearAll() {
    injector.clearAll();
  }

  /**
   * Stops and starts the broker at once, keeping registry, twins and queued C2D (see {@link HubEmulator#restart()}).
   *
   * @throws IllegalStateException if the emulator is not started or the broker is in an outage
   */
  public void restartBroker() {
    restart.run();
  }

  /**
   * Cold: each subscription stops the broker (every device loses its connection; new ones are accepted by the TCP
   * front and closed at once), waits {@code downtime}, starts it again with the hub's state kept, and completes
   * when it runs. Disposing does not cancel the restart. Errors: {@link IllegalStateException} if the emulator is
   * not started, is closed, or is already in an outage.
   *
   * @throws IllegalArgumentException if {@code downtime} is negative
   */
  public Completable brokerOutage(Duration downtime) {
    return outage.apply(checkDuration(downtime));
  }

  private static String check(String clientId) {
    if (clientId == null) {
      throw new IllegalArgumentException("clientId must not be null");
    }
    if (clientId.isEmpty()) {
      throw new IllegalArgumentException("clientId must be a device id or {deviceId}/{moduleId}, not empty");
    }
    return clientId;
  }

  private static Duration checkDuration(Duration duration) {
    if (duration == null) {
      throw new IllegalArgumentException("duration must not be null");
    }
    if (duration.isNegative()) {
      throw new IllegalArgumentException("duration must not be negative, got " + duration);
    }
    return duration;
  }
}
