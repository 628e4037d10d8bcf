// Re-sends manage before a managed device's lifetime runs out (protocol.md §14.8).
package io.rxiothub.watson.client.internal;

import io.reactivex.rxjava3.core.Scheduler;
import io.reactivex.rxjava3.core.Single;
import io.reactivex.rxjava3.disposables.Disposable;
import io.reactivex.rxjava3.disposables.SerialDisposable;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One timer per device managed with a lifetime: at 90 % of the lifetime it sends the same manage request again
 * and, when the platform answers 200, arms itself again. {@code unmanage} (or a new manage) replaces the timer and
 * drops a request already out; {@link #close()} stops them all. Thread-safe (one monitor).
 */
public final class Remanager {

  private static final Logger LOG = LoggerFactory.getLogger(Remanager.class);

  private final Scheduler time;
  private final String who;
  private final Map<String, Disposable> timers = new HashMap<>();
  private boolean closed;

  /** Creates the re-manager of client {@code who} on {@code time}. */
  public Remanager(Scheduler time, String who) {
    this.time = time;
    this.who = who;
  }

  /** Returns when to re-send, in milliseconds: 90 % of {@code lifetimeSeconds}. */
  public static long delayMillis(long lifetimeSeconds) {
    return lifetimeSeconds * 900;
  }

  /**
   * Device {@code key} was managed with {@code lifetimeSeconds} (0: never dormant, nothing to do); {@code manage}
   * sends the request again and emits the platform's rc.
   */
  public synchronized void managed(String key, long lifetimeSeconds, Supplier<Single<Integer>> manage) {
    cancel(key);
    if (closed || lifetimeSeconds <= 0) {
      return;
    }
    // the slot holds the timer, then the re-sent request: cancel disposes whichever is live, so an answer that comes
    // after an unmanage (or a newer manage) is dropped instead of arming this device again
    SerialDisposable slot = new SerialDisposable();
    timers.put(key, slot);
    slot.set(time.scheduleDirect(() -> slot.set(manage.get().subscribe(rc -> answered(key, slot, rc,
        lifetimeSeconds, manage), e -> failed(key, slot, e))), delayMillis(lifetimeSeconds), TimeUnit.MILLISECONDS));
  }

  private synchronized void answered(String key, SerialDisposable slot, int rc, long lifetimeSeconds,
      Supplier<Single<Integer>> manage) {
    if (timers.get(key) != slot) {
      return; // unmanaged, managed anew or closed while the request was out
    }
    if (rc == 200) {
      managed(key, lifetimeSeconds, manage);
    } else {
      cancel(key);
      LOG.warn("{}: re-sending manage for {} was answered {}; it will become dormant", who, key, rc);
    }
  }

  private synchronized void failed(String key, SerialDisposable slot, Throwable e) {
    if (timers.get(key) != slot) {
      return;
    }
    cancel(key);
    LOG.warn("{}: re-sending manage for {} failed: {}", who, key, e.toString());
  }

  /** Stops re-sending for device {@code key} (a request already out is dropped with its answer). */
  public synchronized void cancel(String key) {
    Disposable d = timers.remove(key);
    if (d != null) {
      d.dispose();
    }
  }

  /** Returns how many devices are re-managed. */
  public synchronized int count() {
    return timers.size();
  }

  /** Stops every timer; later calls do nothing. */
  public synchronized void close() {
    closed = true;
    for (Disposable d : timers.values()) {
      d.dispose();
    }
    timers.clear();
  }
}
