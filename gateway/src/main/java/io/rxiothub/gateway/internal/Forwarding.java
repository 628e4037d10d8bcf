// What every leaf's forwarder shares: the store, its batched deletions, the metrics, the timer and the forwarding
// executor; and every forwarder, which the gateway's shutdown stops, drains and closes together.
package io.rxiothub.gateway.internal;

import io.rxiothub.gateway.store.ForwardStore;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;

/** The forwarders' shared parts. Thread-safe. */
final class Forwarding {

  final ForwardStore store;
  final Deletions deletions;
  final Metrics metrics;
  final ScheduledExecutorService timer;
  /** Runs the kicks an append calls for, off the store's writer thread, and the deletions' writes. */
  final Executor executor;
  /** How long a leaf waits after a failed send before it reads the store again (shorter in tests). */
  final long retryMillis;
  private final Queue<Forwarder> forwarders = new ConcurrentLinkedQueue<>();

  Forwarding(ForwardStore store, Metrics metrics, ScheduledExecutorService timer, Executor executor) {
    this(store, metrics, timer, executor, 1_000);
  }

  Forwarding(ForwardStore store, Metrics metrics, ScheduledExecutorService timer, Executor executor,
      long retryMillis) {
    this.retryMillis = retryMillis;
    this.store = store;
    this.deletions = new Deletions(store, executor);
    this.metrics = metrics;
    this.timer = timer;
    this.executor = executor;
  }

  /** A new forwarder joins (its constructor calls this). */
  void add(Forwarder forwarder) {
    forwarders.add(forwarder);
  }

  /** Every forwarder sends nothing more upstream: the shutdown's drain waits only for what is in flight. */
  void stopSending() {
    forwarders.forEach(Forwarder::stopSending);
  }

  /** Waits until nothing is in flight upstream or {@code deadlineMillis} passed; returns what is still in flight. */
  int awaitIdle(long deadlineMillis) throws InterruptedException {
    int left = 0;
    for (Forwarder f : forwarders) {
      left += f.awaitIdle(deadlineMillis);
    }
    return left;
  }

  /** Stops every forwarder; what is not acknowledged stays in the store. */
  void close() {
    forwarders.forEach(Forwarder::close);
  }
}
