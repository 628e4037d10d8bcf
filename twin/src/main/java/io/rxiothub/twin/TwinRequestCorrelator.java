// Matches twin responses to requests by $rid: each request completes at most once, by response or timeout.
package io.rxiothub.twin;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Correlates twin requests and responses by {@code $rid} (protocol.md §6), with time passed in.
 *
 * <p>Use: {@link #register} a request (this assigns its {@code $rid} and records its listener), then
 * publish on {@link TwinRequest#topic()}; feed every message received on {@link TwinTopic#RESPONSE_FILTER}
 * to {@link #onResponse}; call {@link #expire} when {@link #nextDeadlineMillis()} passes; call
 * {@link #cancel} when the caller gives up (publish failed, subscriber disposed).
 *
 * <p>Guarantees, by design rather than by timing:
 * <ul>
 *   <li>{@code $rid}s are unique for the lifetime of this object (never reused, also not after a reconnect);
 *   </li>
 *   <li>a request is registered before it can be published, so its response always finds it (the official
 *       Java SDK 2.5.0 loses responses that arrive before its lookup entry exists);</li>
 *   <li>a request completes at most once: response, timeout and cancel race for one atomic removal of the
 *       entry, and only the winner acts;</li>
 *   <li>unknown, duplicate and late responses are ignored and logged at DEBUG.</li>
 * </ul>
 * All methods are thread-safe; listeners are called on the calling thread and never under a lock. A
 * response that arrives after the deadline but before {@link #expire} ran still completes the request.
 */
public final class TwinRequestCorrelator {

  private static final Logger LOG = LoggerFactory.getLogger(TwinRequestCorrelator.class);

  private final long timeoutMillis;
  private final String logId;
  private final AtomicLong lastRid = new AtomicLong();
  private final Map<String, Entry> pending = new ConcurrentHashMap<>();

  private TwinRequestCorrelator(Builder b) {
    this.timeoutMillis = b.timeoutMillis;
    this.logId = b.logId;
  }

  /** Returns a builder (default timeout 30 000 ms). */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Registers a new request and returns it with its fresh {@code $rid}; publish it only after this
   * returns.
   *
   * @param nowMillis the caller's current time; the deadline is {@code nowMillis + timeout}
   * @throws IllegalArgumentException if {@code operation} or {@code listener} is null
   * @throws IllegalStateException if the {@code $rid} space ({@code Long.MAX_VALUE} requests) is exhausted
   */
  public TwinRequest register(TwinRequest.Operation operation, long nowMillis, TwinResponseListener listener) {
    if (operation == null || listener == null) {
      throw new IllegalArgumentException("twin request needs an operation and a listener");
    }
    long next = lastRid.incrementAndGet();
    if (next <= 0) {
      throw new IllegalStateException("twin $rid space exhausted; create a new correlator");
    }
    long deadline = saturatedAdd(nowMillis, timeoutMillis);
    TwinRequest request = TwinRequest.of(operation, Long.toString(next), deadline);
    pending.put(request.rid(), new Entry(request, listener));
    LOG.debug("{}: twin {} registered with $rid={}", logId, operation, request.rid());
    return request;
  }

  /**
   * Delivers a message received on a twin response topic. If a pending request has its {@code $rid}, that
   * request completes now with this response.
   *
   * @return true if it completed a pending request; false if the {@code $rid} is unknown, already
   *     completed, timed out or cancelled (logged at DEBUG)
   * @throws IllegalArgumentException if {@code topic} is not a {@link TwinTopic.Kind#RESPONSE} topic or
   *     {@code body} is null
   */
  public boolean onResponse(TwinTopic topic, byte[] body) {
    if (topic == null || topic.kind() != TwinTopic.Kind.RESPONSE || body == null) {
      throw new IllegalArgumentException("onResponse needs a twin RESPONSE topic and a body, got " + topic);
    }
    String rid = topic.rid();
    Entry entry = rid == null ? null : pending.remove(rid);
    if (entry == null) {
      LOG.debug("{}: ignoring twin response for unknown or completed $rid={} (status {})",
          logId, rid, topic.status());
      return false;
    }
    TwinRequest request = entry.request;
    LOG.debug("{}: twin {} $rid={} answered with status {}", logId, request.operation(), rid, topic.status());
    entry.listener.onResponse(
        TwinResponse.of(request.operation(), request.rid(), topic.status(), topic.version(), body));
    return true;
  }

  /**
   * Times out every pending request whose deadline is at or before {@code nowMillis}, in deadline order,
   * calling each listener's {@link TwinResponseListener#onTimeout}. If a listener throws, the remaining
   * listeners are still called and the first exception is rethrown at the end.
   *
   * @return the number of requests that timed out
   */
  public int expire(long nowMillis) {
    List<Entry> due = new ArrayList<>();
    for (Map.Entry<String, Entry> e : pending.entrySet()) {
      if (e.getValue().request.deadlineMillis() <= nowMillis && pending.remove(e.getKey(), e.getValue())) {
        due.add(e.getValue());
      }
    }
    Collections.sort(due, BY_DEADLINE);
    RuntimeException failure = null;
    for (Entry entry : due) {
      LOG.debug("{}: twin {} $rid={} timed out", logId, entry.request.operation(), entry.request.rid());
      try {
        entry.listener.onTimeout(entry.request);
      } catch (RuntimeException e) {
        if (failure == null) {
          failure = e;
        } else {
          failure.addSuppressed(e);
        }
      }
    }
    if (failure != null) {
      throw failure;
    }
    return due.size();
  }

  /**
   * Forgets the request with {@code rid} without calling its listener; a later response for it is ignored.
   *
   * @return true if it was pending (so the caller now owns its outcome)
   */
  public boolean cancel(String rid) {
    boolean removed = rid != null && pending.remove(rid) != null;
    if (removed) {
      LOG.debug("{}: twin request $rid={} cancelled", logId, rid);
    }
    return removed;
  }

  /**
   * Forgets every pending request without calling listeners (e.g. when the client closes) and returns
   * them in deadline order, so the caller can fail each one.
   */
  public List<TwinRequest> cancelAll() {
    List<TwinRequest> out = new ArrayList<>();
    for (Map.Entry<String, Entry> e : pending.entrySet()) {
      if (pending.remove(e.getKey(), e.getValue())) {
        out.add(e.getValue().request);
      }
    }
    Collections.sort(out, new Comparator<TwinRequest>() {
      @Override
      public int compare(TwinRequest a, TwinRequest b) {
        return compareRequests(a, b);
      }
    });
    return out;
  }

  /** Returns the earliest deadline among pending requests, or null when none is pending. */
  public @Nullable Long nextDeadlineMillis() {
    Long min = null;
    for (Entry entry : pending.values()) {
      long deadline = entry.request.deadlineMillis();
      if (min == null || deadline < min) {
        min = deadline;
      }
    }
    return min;
  }

  /** Returns the number of pending requests. */
  public int pendingCount() {
    return pending.size();
  }

  /** Returns whether the request with {@code rid} is pending. */
  public boolean isPending(String rid) {
    return rid != null && pending.containsKey(rid);
  }

  private static long saturatedAdd(long a, long b) {
    long sum = a + b;
    return ((a ^ sum) & (b ^ sum)) < 0 ? Long.MAX_VALUE : sum;
  }

  private static int compareRequests(TwinRequest a, TwinRequest b) {
    int byDeadline = Long.compare(a.deadlineMillis(), b.deadlineMillis());
    return byDeadline != 0 ? byDeadline : Long.compare(Long.parseLong(a.rid()), Long.parseLong(b.rid()));
  }

  private static final Comparator<Entry> BY_DEADLINE = new Comparator<Entry>() {
    @Override
    public int compare(Entry a, Entry b) {
      return compareRequests(a.request, b.request);
    }
  };

  private static final class Entry {
    final TwinRequest request;
    final TwinResponseListener listener;

    Entry(TwinRequest request, TwinResponseListener listener) {
      this.request = request;
      this.listener = listener;
    }
  }

  /** Builds a {@link TwinRequestCorrelator}. */
  public static final class Builder {

    private long timeoutMillis = 30_000;
    private String logId = "twin";

    private Builder() {}

    /**
     * Sets how long a request may wait for its response.
     *
     * @throws IllegalArgumentException if {@code timeoutMillis} is not positive
     */
    public Builder timeoutMillis(long timeoutMillis) {
      if (timeoutMillis <= 0) {
        throw new IllegalArgumentException("twin request timeout must be > 0 ms, got " + timeoutMillis);
      }
      this.timeoutMillis = timeoutMillis;
      return this;
    }

    /**
     * Sets the text that starts each log line, e.g. the device id.
     *
     * @throws IllegalArgumentException if {@code logId} is null
     */
    public Builder logId(String logId) {
      if (logId == null) {
        throw new IllegalArgumentException("logId must not be null");
      }
      this.logId = logId;
      return this;
    }

    /** Returns a new correlator with no pending request. */
    public TwinRequestCorrelator build() {
      return new TwinRequestCorrelator(this);
    }
  }
}
