// The twin request protocol of protocol.md §6 as a sans-I/O machine: events in, effects out, time passed in.
package io.rxiothub.twin;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntToLongFunction;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The rules of twin requests (GET and reported PATCH) between a device and the hub, without I/O:
 * <ul>
 *   <li>follow {@code $iothub/twin/res/#} before the first request, and publish a request only once that
 *       subscription is acknowledged on the current connection (a reconciling GET also waits for the
 *       desired subscription: subscribe, then GET);
 *   <li>each attempt gets a fresh {@code $rid} (unique for the session's life) and {@code timeoutMillis}
 *       from its start, waiting for the subscriptions included;
 *   <li>429 and 5xx are retried up to {@code maxRetries} times after the delay the driver's function
 *       gives; other statuses end the request;
 *   <li>a request the hub acknowledged on a connection that ended before the answer is published again,
 *       with a fresh {@code $rid} and time, on the next connection (an unacknowledged one is resent by
 *       the transport with its {@code $rid}).
 * </ul>
 * A driver feeds it events ({@link #request}, {@link #connected}, {@link #connectionLost},
 * {@link #subscribed}, {@link #published}, {@link #publishFailed}, {@link #response},
 * {@link #timerFired}, {@link #cancel}, {@link #close}) with the current time, then runs the
 * {@link TwinEffect}s it hands back through {@link #poll()}. Every request ends exactly once: one
 * {@link TwinEffect.Kind#COMPLETE} or {@link TwinEffect.Kind#FAIL}, or {@link #cancel}. Not thread-safe: the
 * driver calls it under one lock and runs the effects outside it.
 */
public final class TwinSession {

  private static final Logger LOG = LoggerFactory.getLogger(TwinSession.class);

  private final long timeoutMillis;
  private final int maxRetries;
  private final IntToLongFunction retryDelayMillis;
  private final String logId;
  // A client keeps one session for its life and is mostly idle: the collections exist only while they
  // hold something (an empty shared map, or null, otherwise), about 340 bytes less per idle client.
  private Map<Long, Request> requests = Collections.emptyMap();
  private Map<String, Request> byRid = Collections.emptyMap();
  private @Nullable ArrayDeque<TwinEffect> effects;
  private long lastId;
  private long lastRid;
  private @Nullable Object connection;
  private @Nullable Object responsesReadyOn;
  private @Nullable Object desiredReadyOn;
  private boolean followingResponses;
  private boolean closed;

  private TwinSession(Builder b) {
    this.timeoutMillis = b.timeoutMillis;
    this.maxRetries = b.maxRetries;
    this.retryDelayMillis = b.retryDelayMillis;
    this.logId = b.logId;
  }

  /** Returns a new builder. */
  public static Builder builder() {
    return new Builder();
  }

  // ------------------------------------------------------------------------------------------ events

  /**
   * A request is asked for. Returns its id, which every effect about it carries.
   *
   * @param afterDesired whether it also waits for the desired subscription (the GET that reconciles
   *     desired properties)
   * @throws IllegalArgumentException if {@code operation} or {@code body} is null
   */
  public long request(TwinRequest.Operation operation, byte[] body, boolean afterDesired,
      long nowMillis) {
    if (operation == null || body == null) {
      throw new IllegalArgumentException("a twin request needs an operation and a body");
    }
    Request r = new Request(++lastId, operation, body, afterDesired);
    if (closed) {
      emit(TwinEffect.fail(r.id, Failure.CLOSED, null, null, 0, null));
      return r.id;
    }
    if (requests.isEmpty()) {
      requests = new LinkedHashMap<>(4);
    }
    requests.put(r.id, r);
    attempt(r, nowMillis);
    return r.id;
  }

  /**
   * A connection was established; {@code newConnection} identifies it. Subscriptions count again only
   * once acknowledged on it; requests the hub acknowledged on an older connection are sent again.
   */
  public void connected(Object newConnection, long nowMillis) {
    if (newConnection == null) {
      throw new IllegalArgumentException("connection must not be null");
    }
    connection = newConnection;
    responsesReadyOn = null;
    desiredReadyOn = null;
    for (Request r : new ArrayList<>(requests.values())) {
      if (r.state == State.SENT && r.sentOn != newConnection && r.acked && !r.afterDesired) {
        LOG.debug("{}: the connection of twin {} $rid={} ended before its answer; sending it again",
            logId, r.operation, r.rid);
        forgetRid(r);
        attempt(r, nowMillis);
      }
    }
  }

  /** The current connection ended: nothing is published until the next one is ready. */
  public void connectionLost() {
    connection = null;
    responsesReadyOn = null;
    desiredReadyOn = null;
  }

  /** The hub acknowledged the subscription to {@code filter} on {@code on}; ready requests go out. */
  public void subscribed(String filter, Object on) {
    if (filter == null || on == null) {
      throw new IllegalArgumentException("subscribed needs a filter and a connection");
    }
    boolean responses = TwinTopic.RESPONSE_FILTER.equals(filter);
    if (on != connection || !responses && !TwinTopic.DESIRED_PATCH_FILTER.equals(filter)) {
      return;
    }
    if (responses) {
      responsesReadyOn = on;
    } else {
      desiredReadyOn = on;
    }
    for (Request r : new ArrayList<>(requests.values())) {
      if (r.state == State.WAITING && ready(r)) {
        transmit(r);
      }
    }
  }

  /** The hub acknowledged (PUBACK) the publish of {@code rid} for request {@code id}. */
  public void published(long id, String rid) {
    if (rid == null) {
      throw new IllegalArgumentException("rid must not be null");
    }
    Request r = requests.get(id);
    if (r != null && rid.equals(r.rid)) {
      r.acked = true;
    }
  }

  /** The publish of {@code rid} for request {@code id} failed with {@code error}: the request fails. */
  public void publishFailed(long id, String rid, Object error) {
    if (rid == null || error == null) {
      throw new IllegalArgumentException("publishFailed needs a rid and an error");
    }
    Request r = requests.get(id);
    if (r != null && r.state == State.SENT && rid.equals(r.rid)) {
      end(r);
      emit(TwinEffect.fail(id, Failure.PUBLISH_FAILED, rid, null, r.retries, error));
    }
  }

  /**
   * A response arrived. Returns false if its {@code $rid} belongs to no request (late, duplicate or
   * unknown: ignored).
   *
   * @throws IllegalArgumentException if {@code topic} is not a twin response topic or {@code body} is null
   */
  public boolean response(TwinTopic topic, byte[] body, long nowMillis) {
    if (topic == null || topic.kind() != TwinTopic.Kind.RESPONSE || body == null) {
      throw new IllegalArgumentException("a twin response needs a RESPONSE topic and a body, got " + topic);
    }
    Request r = topic.rid() == null ? null : byRid.get(topic.rid());
    if (r == null) {
      LOG.debug("{}: ignoring twin response for unknown or completed $rid={} (status {})", logId,
          topic.rid(), topic.status());
      return false;
    }
    forgetRid(r);
    TwinResponse response = TwinResponse.of(r.operation, topic.rid(), topic.status(), topic.version(), body);
    if (response.isSuccess()) {
      end(r);
      emit(TwinEffect.complete(r.id, response));
    } else if (response.isRetryable() && r.retries < maxRetries) {
      long delay = Math.max(0, retryDelayMillis.applyAsLong(r.retries));
      r.retries++;
      LOG.debug("{}: twin {} answered {} ($rid={}); retry {} of {} in {} ms", logId, r.operation,
          response.status(), response.rid(), r.retries, maxRetries, delay);
      r.state = State.RETRY_WAIT;
      r.dueMillis = saturatedAdd(nowMillis, delay);
      emit(TwinEffect.timer(r.id, r.dueMillis, true));
    } else {
      end(r);
      emit(TwinEffect.fail(r.id, Failure.REJECTED, response.rid(), response, r.retries, null));
    }
    return true;
  }

  /** The timer of request {@code id} fired: its attempt timed out, or its retry is due. */
  public void timerFired(long id, long nowMillis) {
    Request r = requests.get(id);
    if (r == null || nowMillis < r.dueMillis) {
      return;
    }
    if (r.state == State.RETRY_WAIT) {
      attempt(r, nowMillis);
    } else if (r.state == State.WAITING) {
      end(r);
      emit(TwinEffect.fail(id, Failure.NOT_SENT_IN_TIME, null, null, r.retries, null));
    } else {
      String rid = r.rid;
      end(r);
      emit(TwinEffect.fail(id, Failure.NO_ANSWER_IN_TIME, rid, null, r.retries, null));
    }
  }

  /** The caller gave request {@code id} up: it ends without an effect. Returns whether it was active. */
  public boolean cancel(long id) {
    Request r = requests.get(id);
    if (r == null) {
      return false;
    }
    end(r);
    return true;
  }

  /** The client closed: every request fails with {@link Failure#CLOSED}, later ones at once. */
  public void close() {
    closed = true;
    for (Request r : new ArrayList<>(requests.values())) {
      end(r);
      emit(TwinEffect.fail(r.id, Failure.CLOSED, null, null, r.retries, null));
    }
  }

  // ----------------------------------------------------------------------------------------- queries

  /** Returns the next effect to run, or null when there is none. */
  public @Nullable TwinEffect poll() {
    ArrayDeque<TwinEffect> q = effects;
    if (q == null) {
      return null;
    }
    TwinEffect e = q.poll();
    if (q.isEmpty()) {
      effects = null;
    }
    return e;
  }

  /** Returns the number of requests that have not ended. */
  public int activeCount() {
    return requests.size();
  }

  /** Returns the number of published requests waiting for their answer. */
  public int pendingCount() {
    return byRid.size();
  }

  /** Returns whether {@code rid} belongs to a request waiting for its answer. */
  public boolean isPending(String rid) {
    return byRid.containsKey(rid);
  }

  // ---------------------------------------------------------------------------------------- internal

  private void attempt(Request r, long nowMillis) {
    r.dueMillis = saturatedAdd(nowMillis, timeoutMillis);
    r.state = State.WAITING;
    emit(TwinEffect.timer(r.id, r.dueMillis, false));
    if (ready(r)) {
      transmit(r);
    } else if (!followingResponses) {
      followingResponses = true;
      emit(TwinEffect.followResponses());
    }
  }

  private boolean ready(Request r) {
    return connection != null && responsesReadyOn == connection
        && (!r.afterDesired || desiredReadyOn == connection);
  }

  private void transmit(Request r) {
    String rid = Long.toString(++lastRid);
    r.rid = rid;
    r.sentOn = connection;
    r.acked = false;
    r.state = State.SENT;
    if (byRid.isEmpty()) {
      byRid = new HashMap<>(4);
    }
    byRid.put(rid, r);
    LOG.debug("{}: twin {} sent with $rid={}", logId, r.operation, rid);
    emit(TwinEffect.publish(r.id, TwinRequest.of(r.operation, rid, r.dueMillis), r.body));
  }

  private void forgetRid(Request r) {
    if (r.rid != null && byRid.remove(r.rid) != null && byRid.isEmpty()) {
      byRid = Collections.emptyMap();
    }
  }

  private void end(Request r) {
    forgetRid(r);
    if (requests.remove(r.id) != null && requests.isEmpty()) {
      requests = Collections.emptyMap();
    }
  }

  private void emit(TwinEffect e) {
    ArrayDeque<TwinEffect> q = effects;
    if (q == null) {
      q = new ArrayDeque<>(4);
      effects = q;
    }
    q.add(e);
  }

  private static long saturatedAdd(long a, long b) {
    long sum = a + b;
    return ((a ^ sum) & (b ^ sum)) < 0 ? Long.MAX_VALUE : sum;
  }

  private enum State { WAITING, SENT, RETRY_WAIT }

  private static final class Request {
    final long id;
    final TwinRequest.Operation operation;
    final byte[] body;
    final boolean afterDesired;
    State state = State.WAITING;
    int retries;
    long dueMillis;
    @Nullable String rid;
    @Nullable Object sentOn;
    boolean acked;

    Request(long id, TwinRequest.Operation operation, byte[] body, boolean afterDesired) {
      this.id = id;
      this.operation = operation;
      this.body = body;
      this.afterDesired = afterDesired;
    }
  }

  /** Why a request failed. */
  public enum Failure {
    /** Its subscriptions were not acknowledged on a connection within the time of its attempt. */
    NOT_SENT_IN_TIME,
    /** It was published but not answered within the time of its attempt. */
    NO_ANSWER_IN_TIME,
    /** The hub answered with a status that is not retried, or after the last retry. */
    REJECTED,
    /** The transport could not publish it (the error is the driver's). */
    PUBLISH_FAILED,
    /** The session was closed. */
    CLOSED
  }

  /** Builds a {@link TwinSession}. */
  public static final class Builder {
    private long timeoutMillis = 30_000;
    private int maxRetries = 4;
    private IntToLongFunction retryDelayMillis = retry -> 0;
    private String logId = "twin";

    private Builder() {}

    /**
     * Sets the time each attempt has, from its start to its answer (default 30 s).
     *
     * @throws IllegalArgumentException if below 1 ms
     */
    public Builder timeoutMillis(long timeoutMillis) {
      if (timeoutMillis < 1) {
        throw new IllegalArgumentException("twin timeout must be >= 1 ms, got " + timeoutMillis);
      }
      this.timeoutMillis = timeoutMillis;
      return this;
    }

    /**
     * Sets how many times a 429 or 5xx answer is retried (default 4).
     *
     * @throws IllegalArgumentException if negative
     */
    public Builder maxRetries(int maxRetries) {
      if (maxRetries < 0) {
        throw new IllegalArgumentException("twin retries must be >= 0, got " + maxRetries);
      }
      this.maxRetries = maxRetries;
      return this;
    }

    /**
     * Sets the delay before retry {@code n} (0-based): the driver's one backoff (default: none).
     *
     * @throws IllegalArgumentException if null
     */
    public Builder retryDelayMillis(IntToLongFunction retryDelayMillis) {
      if (retryDelayMillis == null) {
        throw new IllegalArgumentException("twin retry delay function must not be null");
      }
      this.retryDelayMillis = retryDelayMillis;
      return this;
    }

    /** Sets the identity named in log lines (default {@code twin}). */
    public Builder logId(String logId) {
      this.logId = logId == null ? "twin" : logId;
      return this;
    }

    /** Builds the session. */
    public TwinSession build() {
      return new TwinSession(this);
    }
  }
}
