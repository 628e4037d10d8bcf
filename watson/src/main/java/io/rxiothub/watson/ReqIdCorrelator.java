// reqId correlation for device-management requests (protocol.md §14.5): unique ids, at-most-once completion, expiry.
package io.rxiothub.watson;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Pending device-management requests by {@code reqId}, with time passed in (protocol.md §14.5). Each request is
 * registered before it is published, completes at most once (a response, {@link #cancel}, or {@link #expire});
 * a response whose {@code reqId} is unknown completes nothing. Not thread-safe: one owner calls it.
 *
 * @param <T> what the owner keeps with each request (its waiter, its device)
 */
public final class ReqIdCorrelator<T> {

  private final String prefix;
  private long counter;
  private final Map<String, Pending<T>> pending = new LinkedHashMap<>();

  private static final class Pending<T> {
    final T context;
    final long deadline;

    Pending(T context, long deadline) {
      this.context = context;
      this.deadline = deadline;
    }
  }

  /**
   * Creates a correlator whose ids are {@code {prefix}-{n}}.
   *
   * @throws IllegalArgumentException if {@code prefix} is null or empty
   */
  public ReqIdCorrelator(String prefix) {
    if (prefix == null || prefix.isEmpty()) {
      throw new IllegalArgumentException("prefix must not be null or empty");
    }
    this.prefix = prefix;
  }

  /**
   * Registers a new request and returns its {@code reqId}, unique for this correlator's lifetime.
   *
   * @param context what to return when the request completes or expires
   * @param nowMillis the current time
   * @param timeoutMillis how long to wait for its response (greater than 0)
   * @throws IllegalArgumentException if {@code context} is null or {@code timeoutMillis} is not positive
   */
  public String register(T context, long nowMillis, long timeoutMillis) {
    String reqId = prefix + "-" + (++counter);
    register(reqId, context, nowMillis, timeoutMillis);
    return reqId;
  }

  /**
   * Registers a request under a {@code reqId} the caller chose.
   *
   * @throws IllegalArgumentException if an argument is null, {@code reqId} is empty or already pending, or
   *     {@code timeoutMillis} is not positive
   */
  public void register(String reqId, T context, long nowMillis, long timeoutMillis) {
    if (reqId == null || reqId.isEmpty()) {
      throw new IllegalArgumentException("reqId must not be null or empty");
    }
    if (context == null) {
      throw new IllegalArgumentException("context must not be null");
    }
    if (timeoutMillis <= 0) {
      throw new IllegalArgumentException("timeoutMillis must be greater than 0, was " + timeoutMillis);
    }
    if (pending.containsKey(reqId)) {
      throw new IllegalArgumentException("reqId '" + reqId + "' is already pending; every reqId must be unique");
    }
    long deadline = nowMillis + timeoutMillis < nowMillis ? Long.MAX_VALUE : nowMillis + timeoutMillis;
    pending.put(reqId, new Pending<>(context, deadline));
  }

  /**
   * Completes the request {@code reqId}: returns its context and forgets it, or null if no such request is pending
   * (unknown, already completed, cancelled or expired).
   *
   * @throws IllegalArgumentException if {@code reqId} is null
   */
  public @Nullable T complete(String reqId) {
    if (reqId == null) {
      throw new IllegalArgumentException("reqId must not be null");
    }
    Pending<T> p = pending.remove(reqId);
    return p == null ? null : p.context;
  }

  /** Forgets the request {@code reqId} without completing it; returns its context, or null if not pending. */
  public @Nullable T cancel(String reqId) {
    return complete(reqId);
  }

  /** Removes and returns the contexts of the requests whose deadline is at or before {@code nowMillis}. */
  public List<T> expire(long nowMillis) {
    List<T> expired = new ArrayList<>();
    for (Iterator<Pending<T>> it = pending.values().iterator(); it.hasNext(); ) {
      Pending<T> p = it.next();
      if (p.deadline <= nowMillis) {
        expired.add(p.context);
        it.remove();
      }
    }
    return expired;
  }

  /** Returns the earliest deadline of the pending requests, or null when none is pending. */
  public @Nullable Long nextDeadline() {
    Long earliest = null;
    for (Pending<T> p : pending.values()) {
      if (earliest == null || p.deadline < earliest) {
        earliest = p.deadline;
      }
    }
    return earliest;
  }

  /** Returns whether {@code reqId} is pending. */
  public boolean isPending(String reqId) {
    return pending.containsKey(reqId);
  }

  /** Returns how many requests are pending. */
  public int pendingCount() {
    return pending.size();
  }

  /** Removes and returns every pending context (the owner closes). */
  public List<T> clear() {
    List<T> all = new ArrayList<>();
    for (Pending<T> p : pending.values()) {
      all.add(p.context);
    }
    pending.clear();
    return all;
  }

  @Override
  public String toString() {
    return "ReqIdCorrelator{prefix=" + prefix + ", pending=" + pending.size() + "}";
  }
}
