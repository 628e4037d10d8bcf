// What the pure connection machine keeps of one accepted message: its expiry, stream, connection, count.
package io.rxiothub.transport.internal;

import org.jspecify.annotations.Nullable;

/**
 * One accepted message as {@link ConnectionStateMachine} and {@link Outbox} see it. They keep its
 * place (queued, in flight on a connection) in these fields instead of a wrapper, so a send costs no
 * object beyond itself; the fields other than {@link #disposed} are guarded by whoever drives the
 * machine (the driver's lock). {@link PendingSend} is the driver's subclass.
 */
abstract class Outgoing {
  /** {@link #place}: not in the {@link Outbox}, queued, or in flight. */
  static final byte NOWHERE = 0;
  static final byte QUEUED = 1;
  static final byte IN_FLIGHT = 2;

  /** When the message expires (epoch ms), or null. */
  final @Nullable Long expiry;
  /** The stream the message belongs to (its outcome goes there), or null for a single send. */
  final @Nullable SendSink sink;
  /** The connection (machine id) the message was last handed to; {@link ConnectionStateMachine#NONE} if none. */
  long connection;
  /** How many connections the message was handed to. */
  int transmissions;
  /** Where the message is in its {@link Outbox}, and its neighbours in that list (null at the ends). */
  byte place;
  @Nullable Outgoing prev;
  @Nullable Outgoing next;
  /** The observer disposed its subscription, or its outcome was delivered. */
  volatile boolean disposed;

  Outgoing(@Nullable Long expiry, @Nullable SendSink sink) {
    this.expiry = expiry;
    this.sink = sink;
  }

  /** Whether the message has expired at {@code nowMillis}. */
  final boolean isExpired(long nowMillis) {
    Long at = expiry;
    return at != null && nowMillis >= at;
  }
}
