// What every leaf's forwarder shares: the store, its batched deletions, the timer and the forwarding executor.
package io.rxiothub.gateway.internal;

import io.rxiothub.gateway.store.ForwardStore;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;

/** The forwarders' shared parts. Thread-safe. */
final class Forwarding {

  final ForwardStore store;
  final Deletions deletions;
  final ScheduledExecutorService timer;
  /** Runs the kicks an append calls for, off the store's writer thread, and the deletions' writes. */
  final Executor executor;
  /** How long a leaf waits after a failed send before it reads the store again (shorter in tests). */
  final long retryMillis;

  Forwarding(ForwardStore store, ScheduledExecutorService timer, Executor executor) {
    this(store, timer, executor, 1_000);
  }

  Forwarding(ForwardStore store, ScheduledExecutorService timer, Executor executor, long retryMillis) {
    this.retryMillis = retryMillis;
    this.store = store;
    this.deletions = new Deletions(store, executor);
    this.timer = timer;
    this.executor = executor;
  }
}
