// The store-and-forward loop of one leaf, whatever the cloud: its messages stored, sent upstream in store order with a
// window, each deleted after the cloud's PUBACK, resent from the oldest after a failure (protocol.md §18.1, §19).
package io.rxiothub.gateway.internal;

import io.reactivex.rxjava3.core.Completable;
import io.rxiothub.gateway.store.ForwardMessage;
import io.rxiothub.gateway.store.StoredMessage;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Forwards one leaf's stored messages. Thread-safe: its state is guarded by its monitor; the upstream's sends are
 * started under it (they do not block), their completions come back on the upstream client's threads.
 *
 * <p>What the store holds is the truth; the forwarder keeps in memory the records appended since it last read the
 * store (its <em>tail</em>, at most {@link #TAIL_LIMIT}), so that a leaf whose upstream keeps up costs no store read
 * per message: it reads the store at start, after a failure, and when the tail overflowed (the upstream fell behind),
 * and then a half window at a time.
 */
final class Forwarder {

  private static final Logger LOG = LoggerFactory.getLogger(Forwarder.class);

  /**
   * Records kept in memory for a leaf whose upstream keeps up (at 10 messages/s, six seconds of lag); beyond it the
   * store is read again: a backlog lives on disk only, and the tails of 1,000 leaves stay under ~25 MB.
   */
  static final int TAIL_LIMIT = 64;

  /** The leaf's side of the upstream: what a send is, and what to do with its outcomes. */
  interface Link {
    /**
     * Starts the upstream send of {@code message}, or returns null while there is no upstream to send with (the
     * forwarder waits for the next kick).
     *
     * @throws IllegalArgumentException if the record can never be sent (it is deleted and {@link #unsendable} told)
     */
    @Nullable Completable send(StoredMessage message);

    /** The cloud acknowledged {@code message} (it is being deleted and was counted as forwarded). */
    default void acknowledged(StoredMessage message) {}

    /** {@code message} failed upstream and is kept to send again; {@code first} once per outage. */
    void failed(StoredMessage message, Throwable error, boolean first);

    /** {@code message} can never be sent: it is deleted. */
    void unsendable(StoredMessage message, IllegalArgumentException error);

    /** Everything stored was acknowledged and nothing is in flight (called outside the monitor). */
    default void idle() {}
  }

  private final String key;
  /** The leaf's records as the log names them ("telemetry of leaf x"). */
  private final String what;
  private final int window;
  private final Forwarding shared;
  private final Link link;
  /** A kick is queued on the forwarding executor and has not started: the appends meanwhile are sent by it. */
  private final AtomicBoolean kickQueued = new AtomicBoolean();

  private final ConcurrentLinkedQueue<StoredMessage> tail = new ConcurrentLinkedQueue<>();
  private final AtomicInteger tailSize = new AtomicInteger();
  /** Counts the appends the tail could not take (or took out of order): the tail is then not the whole truth. */
  private final AtomicLong overflows = new AtomicLong();
  private final Object tailLock = new Object();
  private long lastAppended;

  /**
   * Every record after {@link #cursor} is in the tail, as long as {@link #overflows} is still {@link #liveEpoch} and
   * the store dropped or expired none of the leaf's records since ({@link #liveLosses}).
   */
  private boolean live;
  private long liveEpoch;
  private long liveLosses;
  private long cursor;
  private int inFlight;
  private boolean failed;
  private boolean warned;
  private boolean draining;
  private boolean closed;
  /** {@link #sendMore} is running on the thread that holds the monitor. */
  private boolean sending;
  /** A send was acknowledged as it was subscribed to, inside {@link #sendMore}. */
  private boolean settledWhileSending;

  /**
   * Creates the forwarder of the leaf stored under {@code key}, whose records the log names {@code what}; {@code
   * shared} stops, drains and closes it with the others.
   */
  Forwarder(String key, String what, int window, Forwarding shared, Link link) {
    this.key = key;
    this.what = what;
    this.window = window;
    this.shared = shared;
    this.link = link;
    shared.add(this);
  }

  /**
   * Stores a record of the leaf and forwards it once it is durable; {@code done} gets null then (the leaf's PUBACK may
   * go), or the store's error (the record is not kept).
   */
  void store(ForwardMessage record, Consumer<@Nullable Throwable> done) {
    Metrics metrics = shared.metrics;
    shared.store.append(key, record).subscribe(stored -> {
      metrics.received.incrementAndGet();
      metrics.receivedBytes.addAndGet(record.payloadLength());
      done.accept(null);
      appended(stored); // on the store's writer thread: the sends go elsewhere
    }, error -> {
      metrics.refused.incrementAndGet();
      LOG.warn("gateway: the store refused {}: {}", what, error.getMessage());
      done.accept(error);
    });
  }

  /** A record of this leaf is durable; called on the store's writer thread, in store order. */
  void appended(StoredMessage stored) {
    synchronized (tailLock) {
      if (stored.sequence() <= lastAppended || tailSize.get() >= TAIL_LIMIT) {
        overflows.incrementAndGet();
      } else {
        tailSize.incrementAndGet();
        tail.add(stored);
      }
      lastAppended = Math.max(lastAppended, stored.sequence());
    }
    kickLater();
  }

  /** Has the forwarding executor kick: one queued kick covers every earlier append. */
  void kickLater() {
    if (!kickQueued.compareAndSet(false, true)) {
      return;
    }
    try {
      shared.executor.execute(() -> {
        kickQueued.set(false);
        kick();
      });
    } catch (RejectedExecutionException e) {
      kickQueued.set(false); // the gateway is stopping: the record stays in the store for the next start
    }
  }

  /** Sends what is stored for the leaf, up to the window. */
  void kick() {
    boolean idle;
    synchronized (this) {
      idle = sendMore();
    }
    if (idle) {
      link.idle();
    }
  }

  /**
   * The send loop (under the monitor). A send may settle while it is being subscribed to (a Completable already
   * done): its outcome then runs inside this loop, which must not start another (it would send records after the
   * cursor ahead of the rest of this batch); so it only counts it, and this loop goes on in store order. Returns
   * whether such a settlement left the leaf idle, for the caller to tell the link outside the monitor.
   */
  private boolean sendMore() {
    if (sending) {
      return false;
    }
    sending = true;
    try {
      sendBatches();
    } finally {
      sending = false;
    }
    boolean idle = settledWhileSending && idleNow();
    settledWhileSending = false;
    return idle;
  }

  private void sendBatches() {
    while (!closed && !draining && !failed && inFlight < window) {
      if (!isLive() && inFlight > window / 2) {
        return; // behind: read the store a half window at a time, not once per acknowledgement
      }
      List<StoredMessage> batch = next(window - inFlight);
      if (batch.isEmpty()) {
        return;
      }
      for (int i = 0; i < batch.size(); i++) {
        StoredMessage message = batch.get(i);
        Completable send;
        try {
          send = link.send(message);
        } catch (IllegalArgumentException e) {
          cursor = message.sequence();
          shared.deletions.add(message);
          link.unsendable(message, e);
          continue;
        }
        if (send == null) {
          live = false; // what was taken from the tail and not sent is read from the store at the next kick
          return;
        }
        cursor = message.sequence();
        inFlight++;
        send.subscribe(() -> acknowledged(message), error -> notSent(message, error));
        if (failed) {
          live = false; // failed at once: the rest of the batch waits for the retry, which reads the store
          return;
        }
      }
    }
  }

  private boolean isLive() {
    return live && overflows.get() == liveEpoch;
  }

  /** The next records after the cursor: from the tail while it holds them all, else from the store. */
  private List<StoredMessage> next(int max) {
    List<StoredMessage> out = new ArrayList<>();
    if (isLive() && losses() != liveLosses) {
      live = false; // the overflow policy or the age limit removed records the tail may hold: the store decides
    }
    if (isLive()) {
      while (out.size() < max) {
        StoredMessage m = tail.poll();
        if (m == null) {
          break;
        }
        tailSize.decrementAndGet();
        if (m.sequence() > cursor) {
          out.add(m);
        }
      }
      return out;
    }
    live = false;
    long epoch = overflows.get();
    long losses = losses();
    clearTail(); // what it held is in the store; what is appended from now on is in both, and skipped once sent
    List<StoredMessage> read = shared.store.pending(key, cursor, max);
    if (read.size() < max && overflows.get() == epoch) {
      live = true; // the store had nothing more: every later record reaches the tail
      liveEpoch = epoch;
      liveLosses = losses;
    }
    return read;
  }

  /** The leaf's records the store dropped or expired so far (counted since it opened; asked each kick, no lock). */
  private long losses() {
    return shared.store.droppedOrExpired(key);
  }

  private void clearTail() {
    while (tail.poll() != null) {
      tailSize.decrementAndGet();
    }
  }

  private void acknowledged(StoredMessage message) {
    shared.metrics.forwarded.incrementAndGet();
    shared.metrics.forwardedBytes.addAndGet(message.message().payloadLength());
    boolean idle;
    boolean retry;
    synchronized (this) {
      inFlight--;
      shared.deletions.add(message);
      link.acknowledged(message);
      notifyAll();
      if (!failed) {
        warned = false;
      }
      if (sending) {
        settledWhileSending = true; // acknowledged as it was subscribed to: the running send loop goes on
        return;
      }
      sendMore();
      // the last send of a window in which another failed: now the failed ones are sent again
      retry = failed && inFlight == 0 && !closed;
      idle = idleNow();
    }
    if (retry) {
      retryLater();
    } else if (idle) {
      link.idle();
    }
  }

  /** Everything stored was acknowledged and nothing is in flight, as far as memory tells (under the monitor). */
  private boolean idleNow() {
    return !failed && inFlight == 0 && isLive() && tail.isEmpty();
  }

  private void notSent(StoredMessage message, Throwable error) {
    synchronized (this) {
      inFlight--;
      notifyAll();
      if (closed) {
        return;
      }
      link.failed(message, error, !failed && !warned);
      warned = true;
      failed = true;
      if (inFlight > 0) {
        return; // the last of the window to settle schedules the retry
      }
    }
    retryLater();
  }

  private void retryLater() {
    try {
      shared.timer.schedule(this::retry, shared.retryMillis, TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException e) {
      // stopping: what was not acknowledged stays in the store
    }
  }

  private void retry() {
    shared.deletions.flush(); // what was acknowledged is gone before the store is read from its head again
    synchronized (this) {
      failed = false;
      live = false;
      cursor = 0; // every send settled: what is still stored was not acknowledged, oldest first
    }
    kick();
  }

  /**
   * Whether nothing is in flight or waiting for this leaf (a store read unless the tail is known to hold all).
   */
  synchronized boolean isIdle() {
    if (inFlight > 0 || failed) {
      return false;
    }
    if (isLive()) {
      return tail.isEmpty();
    }
    return shared.store.pending(key, cursor, 1).isEmpty();
  }

  /** Sends nothing more upstream: the shutdown's drain waits only for what is in flight. */
  synchronized void stopSending() {
    draining = true;
  }

  /** Waits until nothing is in flight upstream or {@code deadlineMillis} passed; returns what is in flight. */
  synchronized int awaitIdle(long deadlineMillis) throws InterruptedException {
    while (inFlight > 0) {
      long left = deadlineMillis - System.currentTimeMillis();
      if (left <= 0) {
        break;
      }
      wait(left);
    }
    return inFlight;
  }

  /** Stops forwarding; what is not acknowledged stays in the store. */
  synchronized void close() {
    closed = true;
    clearTail();
  }
}
