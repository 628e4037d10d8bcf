// One connection attempt and, once accepted, its connection; its identity marks the events it reports.
package io.rxiothub.transport.internal;

import io.rxiothub.transport.internal.MqttConnector.Cancellation;
import io.rxiothub.transport.internal.MqttConnector.InboundPublish;
import io.rxiothub.transport.internal.MqttConnector.MqttConnection;
import org.jspecify.annotations.Nullable;

/** One attempt of a {@link ConnectionMachine}: forwards the connector's events to it. */
final class Attempt implements MqttConnector.Listener, MqttConnector.ConnectCallback {
  /** {@link #cancellation} once {@link #cancel} was called. */
  private static final Cancellation CANCELLED = () -> { };

  final ConnectionMachine machine;
  /** The machine's id of this attempt. */
  final long id;
  /** The connector's handle of the attempt, or {@link #CANCELLED}; guarded by this attempt. */
  private @Nullable Cancellation cancellation;
  /** Set under the machine's lock when the server accepted the attempt. */
  @Nullable MqttConnection connection;

  Attempt(ConnectionMachine machine, long id) {
    this.machine = machine;
    this.id = id;
  }

  MqttConnection connection() {
    MqttConnection c = connection;
    if (c == null) {
      throw new IllegalStateException("attempt of " + machine.s.identity + " has no connection yet");
    }
    return c;
  }

  void start(MqttConnector connector, MqttConnector.ConnectRequest request) {
    Cancellation c;
    try {
      c = connector.connect(request, this, this);
    } catch (RuntimeException e) {
      failed(machine.s.failures.connection("Could not start connecting " + machine.s.identity
          + ": " + e.getMessage(), e));
      return;
    }
    boolean cancelNow;
    synchronized (this) {
      cancelNow = cancellation == CANCELLED;
      if (!cancelNow) {
        cancellation = c;
      }
    }
    if (cancelNow) {
      c.cancel();
    }
  }

  void cancel() {
    Cancellation c;
    synchronized (this) {
      c = cancellation;
      cancellation = CANCELLED;
    }
    if (c != null && c != CANCELLED) {
      c.cancel();
    }
  }

  @Override
  public void connected(MqttConnection connection) {
    machine.onConnected(this, connection);
  }

  @Override
  public void failed(Throwable error) {
    machine.onConnectFailed(this, error);
  }

  @Override
  public void onPublish(InboundPublish publish) {
    machine.routes.dispatch(this, publish);
  }

  @Override
  public void onClosed(Throwable cause) {
    machine.onClosed(this, cause);
  }
}
