// The pending connect() and disconnect() calls of the pure connection machine: lists that exist only while used.
package io.rxiothub.transport.internal;

import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Static helpers for {@link ConnectionStateMachine}'s waiter lists. A list is null while no call waits
 * (most of a client's life), so an idle client keeps no list or array for them. Pure.
 */
final class Waiters {

  private Waiters() {}

  /** Returns {@code waiters} (made if null) with {@code waiter} added. */
  static List<Object> added(@Nullable List<Object> waiters, Object waiter) {
    List<Object> list = waiters != null ? waiters : new ArrayList<>(2);
    list.add(waiter);
    return list;
  }

  /** Completes every waiter of {@code waiters} (none if null). */
  static void completeAll(@Nullable List<Object> waiters, Effects<?> fx) {
    if (waiters != null) {
      for (Object w : waiters) {
        fx.completeWaiter(w);
      }
    }
  }

  /** Fails every waiter of {@code waiters} (none if null) with {@code error}. */
  static void failAll(@Nullable List<Object> waiters, Throwable error, Effects<?> fx) {
    if (waiters != null) {
      for (Object w : waiters) {
        fx.failWaiter(w, error);
      }
    }
  }
}
