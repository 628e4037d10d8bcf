// Group commit: one writer thread writes every append waiting, then syncs the log once for all of them, then
// completes them (protocol.md §19.1).
package io.rxiothub.gateway.store.internal;

import io.reactivex.rxjava3.core.SingleEmitter;
import io.rxiothub.gateway.store.ForwardMessage;
import io.rxiothub.gateway.store.StoreException;
import io.rxiothub.gateway.store.StoredMessage;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes appends from any thread; its thread ({@code rxiothub-store-writer}) takes all that wait (up to 4,096),
 * writes each (not synced), syncs once, and then completes each append: while it syncs, the next group gathers. So
 * the latency an append adds is one to two syncs whatever the rate, and the syncs per second are bounded by the
 * disk, not by the appends.
 */
final class GroupCommit {

  private static final Logger LOG = LoggerFactory.getLogger(GroupCommit.class);
  private static final int MAX_GROUP = 4096;

  /** What the group commit drives: one write of the whole group (under the store's rules), one sync. */
  interface Writer {
    /** Writes the group's records, not synced: sets each job's {@code written}, or its {@code error} if refused. */
    void writeGroup(List<Job> jobs);

    /** Makes every write so far durable. */
    void sync();
  }

  /** One append: set {@code written} or {@code error} in {@link Writer#writeGroup}. */
  static final class Job {
    final String deviceId;
    final ForwardMessage message;
    final SingleEmitter<StoredMessage> emitter;
    @Nullable StoredMessage written;
    @Nullable RuntimeException error;

    Job(String deviceId, ForwardMessage message, SingleEmitter<StoredMessage> emitter) {
      this.deviceId = deviceId;
      this.message = message;
      this.emitter = emitter;
    }
  }

  private static final Job STOP = new Job("", ForwardMessage.builder().messageId("stop").build(), null);

  private final Writer writer;
  private final String where;
  private final LinkedBlockingQueue<Job> queue = new LinkedBlockingQueue<>();
  private final Thread thread;
  private boolean stopping;

  GroupCommit(Writer writer, String where) {
    this.writer = writer;
    this.where = where;
    this.thread = new Thread(this::run, "rxiothub-store-writer");
    thread.setDaemon(true);
    thread.start();
  }

  /** Queues an append; fails it at once if the store is closing. */
  void submit(String deviceId, ForwardMessage message, SingleEmitter<StoredMessage> emitter) {
    synchronized (this) {
      if (!stopping) {
        queue.add(new Job(deviceId, message, emitter));
        return;
      }
    }
    emitter.tryOnError(new StoreException("the gateway store " + where + " is closed"));
  }

  /** Completes the appends already queued, then stops the thread. */
  void close() {
    synchronized (this) {
      if (stopping) {
        return;
      }
      stopping = true;
      queue.add(STOP);
    }
    boolean interrupted = false;
    while (thread.isAlive()) {
      try {
        thread.join();
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  private void run() {
    List<Job> group = new ArrayList<>();
    boolean stop = false;
    while (!stop) {
      group.clear();
      try {
        group.add(queue.take());
      } catch (InterruptedException e) {
        continue; // only close() stops this thread, with STOP
      }
      queue.drainTo(group, MAX_GROUP - 1);
      int end = group.indexOf(STOP);
      if (end >= 0) {
        stop = true;
        group.subList(end, group.size()).clear();
      }
      commit(group);
    }
  }

  private void commit(List<Job> group) {
    try {
      writer.writeGroup(group);
    } catch (RuntimeException e) {
      LOG.warn("gateway store {}: writing {} appends failed: {}", where, group.size(), e.toString());
      for (Job job : group) {
        job.written = null;
        job.error = e;
      }
    }
    boolean anyWritten = false;
    for (Job job : group) {
      RuntimeException error = job.error;
      if (error != null) {
        job.emitter.tryOnError(error);
      } else if (job.written != null) {
        anyWritten = true;
      }
    }
    if (!anyWritten) {
      return;
    }
    RuntimeException failed = null;
    try {
      writer.sync();
    } catch (RuntimeException e) {
      LOG.warn("gateway store {}: syncing {} appends failed: {}", where, group.size(), e.toString());
      failed = e;
    }
    for (Job job : group) {
      StoredMessage written = job.written;
      if (written == null) {
        continue;
      }
      if (failed == null) {
        job.emitter.onSuccess(written);
      } else {
        job.emitter.tryOnError(failed);
      }
    }
  }
}
