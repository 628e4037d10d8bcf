// The connection state of one client and its observers: a volatile value and a copy-on-write array.
package io.rxiothub.transport.internal;

import io.reactivex.rxjava3.core.Observable;
import io.reactivex.rxjava3.core.Observer;
import io.reactivex.rxjava3.disposables.Disposable;
import io.rxiothub.transport.TransportState;
import java.util.concurrent.atomic.AtomicReferenceFieldUpdater;

/**
 * What a {@code BehaviorSubject} did for the states, at about a tenth of its heap (it costs every
 * client two fields instead of 216 bytes: no read-write lock, atomics or terminal holder; the driver,
 * {@link ConnectionMachine}, is its own state cell). A subscriber gets the current state, then every
 * change in order, then the completion when the client closes; one that subscribes after that gets
 * only the completion. The changes ({@link #setState}, {@link #completeStates}) are made under the
 * monitor of this object (the machine's lock), and a subscription takes it to add its observer and
 * replay the current state, so no subscriber sees a change twice, out of order, or misses one. The
 * observers are {@code observeOn} operators ({@link ClientCore#connectionStates}), so no user code
 * runs under the lock. A disposal removes its observer without the lock (compare-and-set).
 */
abstract class StateCell extends Observable<TransportState> {

  private static final Watcher[] NONE = new Watcher[0];
  private static final Watcher[] TERMINATED = new Watcher[0];
  private static final AtomicReferenceFieldUpdater<StateCell, Watcher[]> WATCHERS =
      AtomicReferenceFieldUpdater.newUpdater(StateCell.class, Watcher[].class, "watchers");

  private volatile TransportState current;
  private volatile Watcher[] watchers = NONE;

  StateCell(TransportState initial) {
    this.current = initial;
  }

  /** Returns the current state (the last one set; after {@link #completeStates}, the closed state). */
  final TransportState state() {
    return current;
  }

  /** Under the lock: the state changed; every observer gets it. Ignored after {@link #completeStates}. */
  final void setState(TransportState state) {
    Watcher[] all = watchers;
    if (all == TERMINATED) {
      return;
    }
    current = state;
    for (Watcher w : all) {
      w.next(state);
    }
  }

  /** Under the lock: completes every observer; later subscribers get only the completion. */
  final void completeStates() {
    Watcher[] all = WATCHERS.getAndSet(this, TERMINATED);
    for (Watcher w : all) {
      w.complete();
    }
  }

  @Override
  protected final void subscribeActual(Observer<? super TransportState> observer) {
    Watcher w = new Watcher(this, observer);
    observer.onSubscribe(w);
    synchronized (this) {
      if (w.disposed) {
        return;
      }
      if (!add(w)) {
        observer.onComplete();
        return;
      }
      observer.onNext(current);
    }
  }

  private boolean add(Watcher w) {
    for (;;) {
      Watcher[] old = watchers;
      if (old == TERMINATED) {
        return false;
      }
      Watcher[] grown = new Watcher[old.length + 1];
      System.arraycopy(old, 0, grown, 0, old.length);
      grown[old.length] = w;
      if (WATCHERS.compareAndSet(this, old, grown)) {
        return true;
      }
    }
  }

  private void remove(Watcher w) {
    for (;;) {
      Watcher[] old = watchers;
      int i = 0;
      while (i < old.length && old[i] != w) {
        i++;
      }
      if (i == old.length) {
        return;
      }
      Watcher[] shrunk = NONE;
      if (old.length > 1) {
        shrunk = new Watcher[old.length - 1];
        System.arraycopy(old, 0, shrunk, 0, i);
        System.arraycopy(old, i + 1, shrunk, i, old.length - i - 1);
      }
      if (WATCHERS.compareAndSet(this, old, shrunk)) {
        return;
      }
    }
  }

  /** One subscriber, and the disposable it holds. */
  private static final class Watcher implements Disposable {
    private final StateCell cell;
    private final Observer<? super TransportState> actual;
    volatile boolean disposed;

    Watcher(StateCell cell, Observer<? super TransportState> actual) {
      this.cell = cell;
      this.actual = actual;
    }

    void next(TransportState state) {
      if (!disposed) {
        actual.onNext(state);
      }
    }

    void complete() {
      if (!disposed) {
        actual.onComplete();
      }
    }

    @Override
    public void dispose() {
      if (!disposed) {
        disposed = true;
        cell.remove(this);
      }
    }

    @Override
    public boolean isDisposed() {
      return disposed;
    }
  }
}
