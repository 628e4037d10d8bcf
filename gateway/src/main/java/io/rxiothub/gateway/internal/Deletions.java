// The store deletions of acknowledged messages, gathered from every leaf and written in batches (protocol.md §19).
package io.rxiothub.gateway.internal;

import io.rxiothub.gateway.store.ForwardStore;
import io.rxiothub.gateway.store.StoreException;
import io.rxiothub.gateway.store.StoredMessage;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Acknowledged messages waiting to be deleted. An acknowledgement only queues its message; the first one queued
 * has the executor write every queued deletion in one {@link ForwardStore#deleteAll} (so a gateway acknowledged
 * thousands of times a second writes a batch per burst, not a record per message). A deletion not yet written when
 * the process dies leaves its message in the store, sent again after the restart: at least once, as a deletion
 * not yet synced always did. Thread-safe.
 */
final class Deletions {

  private static final Logger LOG = LoggerFactory.getLogger(Deletions.class);
  private static final int BATCH = 4_096;

  private final ForwardStore store;
  private final Executor executor;
  private final ConcurrentLinkedQueue<StoredMessage> queued = new ConcurrentLinkedQueue<>();
  private final AtomicBoolean scheduled = new AtomicBoolean();

  Deletions(ForwardStore store, Executor executor) {
    this.store = store;
    this.executor = executor;
  }

  /** Queues the deletion of an acknowledged message. */
  void add(StoredMessage message) {
    queued.add(message);
    if (scheduled.compareAndSet(false, true)) {
      try {
        executor.execute(() -> {
          scheduled.set(false);
          flush();
        });
      } catch (RejectedExecutionException e) {
        scheduled.set(false);
        flush(); // stopping: write it now
      }
    }
  }

  /** Writes every queued deletion now. */
  synchronized void flush() {
    List<StoredMessage> batch = new ArrayList<>();
    StoredMessage next;
    while ((next = queued.poll()) != null) {
      batch.add(next);
      if (batch.size() == BATCH) {
        write(batch);
        batch.clear();
      }
    }
    if (!batch.isEmpty()) {
      write(batch);
    }
  }

  private void write(List<StoredMessage> batch) {
    try {
      store.deleteAll(batch);
    } catch (StoreException e) {
      // the messages stay stored and are sent again later (at least once); the store says why
      LOG.warn("gateway: {} acknowledged message(s) not deleted from the store: {}", batch.size(), e.getMessage());
    }
  }
}
