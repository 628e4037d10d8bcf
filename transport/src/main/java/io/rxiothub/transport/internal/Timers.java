// The timers of the pure connection machine: one of each kind at a time, each named by an id.
package io.rxiothub.transport.internal;

import io.rxiothub.transport.internal.Effects.Timer;

/**
 * Which timer of each kind runs, by id, so that a timer that fires after it was cancelled or replaced
 * is told apart and ignored. Pure; part of {@link ConnectionStateMachine}.
 */
final class Timers {
  private long lastId;
  private long retry;
  private long token;
  private long drain;

  /** Asks for {@code timer} at {@code atMillis}, replacing the one of its kind. */
  void schedule(Timer timer, long atMillis, Effects<?> fx) {
    long id = ++lastId;
    set(timer, id);
    fx.schedule(timer, id, atMillis);
  }

  /** Whether {@code timer} with {@code id} is the one running; if so it no longer runs. */
  boolean fired(Timer timer, long id) {
    if (id == ConnectionStateMachine.NONE || get(timer) != id) {
      return false;
    }
    set(timer, ConnectionStateMachine.NONE);
    return true;
  }

  /** Stops {@code timer} if it runs. */
  void cancel(Timer timer, Effects<?> fx) {
    if (get(timer) != ConnectionStateMachine.NONE) {
      set(timer, ConnectionStateMachine.NONE);
      fx.cancelTimer(timer);
    }
  }

  void cancelAll(Effects<?> fx) {
    cancel(Timer.RETRY, fx);
    cancel(Timer.TOKEN, fx);
    cancel(Timer.DRAIN, fx);
  }

  private long get(Timer timer) {
    switch (timer) {
      case RETRY:
        return retry;
      case TOKEN:
        return token;
      default:
        return drain;
    }
  }

  private void set(Timer timer, long id) {
    switch (timer) {
      case RETRY:
        retry = id;
        break;
      case TOKEN:
        token = id;
        break;
      default:
        drain = id;
    }
  }
}
