// One accepted message on its way: queued, in flight, then decided once and signalled to its observer.
package io.rxiothub.transport.internal;

import io.reactivex.rxjava3.core.CompletableObserver;
import io.reactivex.rxjava3.disposables.Disposable;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import org.jspecify.annotations.Nullable;

/**
 * One accepted message, and the disposable its observer holds. A dialect extends it for the sends of
 * a stream ({@link SendFactory}), so that the send itself is the result the stream emits.
 */
public class PendingSend extends Outgoing implements Disposable {
  private static final AtomicIntegerFieldUpdater<PendingSend> DECIDED =
      AtomicIntegerFieldUpdater.newUpdater(PendingSend.class, "decided");

  final String topic;
  final byte[] payload;
  final boolean atMostOnce;
  private final ConnectionMachine machine;
  private final @Nullable CompletableObserver observer;
  @Nullable Disposable expiryTimer;
  /** 1 once the outcome was decided (once): {@link #error} null means completed. */
  private volatile int decided;
  private @Nullable Throwable error;
  /** The next send in this client's {@link SignalQueue}, once decided. */
  @Nullable PendingSend nextSignal;

  /** A send whose outcome goes to {@code sink} (a stream's); see {@link SendFactory}. */
  protected PendingSend(ClientCore core, String topic, byte[] payload, boolean atMostOnce,
      @Nullable Long expiryEpochMillis, SendSink sink) {
    this(core.machine, topic, payload, atMostOnce, expiryEpochMillis, null, sink);
  }

  PendingSend(ConnectionMachine machine, String topic, byte[] payload, boolean atMostOnce,
      @Nullable Long expiry, @Nullable CompletableObserver observer, @Nullable SendSink sink) {
    super(expiry, sink);
    this.machine = machine;
    this.topic = topic;
    this.payload = payload;
    this.atMostOnce = atMostOnce;
    this.observer = observer;
  }

  /** Returns the failure, or null if the message was acknowledged (or is not decided yet). */
  public @Nullable Throwable error() {
    return error;
  }

  void complete() {
    disarm();
    if (DECIDED.compareAndSet(this, 0, 1)) {
      machine.signals.offer(this);
    }
  }

  void fail(Throwable failure) {
    disarm();
    if (DECIDED.compareAndSet(this, 0, 1)) {
      error = failure;
      machine.signals.offer(this);
    }
  }

  /** On the callback scheduler: tells the observer, unless it no longer listens. */
  void deliver() {
    if (disposed) {
      return;
    }
    disposed = true;
    SendSink to = sink;
    if (to != null) {
      to.outcome(this);
      return;
    }
    CompletableObserver observer = this.observer;
    Throwable e = error;
    if (observer == null) {
      return;
    } else if (e == null) {
      observer.onComplete();
    } else {
      observer.onError(e);
    }
  }

  private void disarm() {
    Disposable timer = expiryTimer;
    if (timer != null) {
      timer.dispose();
    }
  }

  @Override
  public final void dispose() {
    if (!disposed) {
      disposed = true;
      machine.disposed(this);
    }
  }

  @Override
  public final boolean isDisposed() {
    return disposed;
  }
}
