// The effects a TwinSession hands its driver: publish, arm a timer, complete or fail a request.
package io.rxiothub.twin;

import io.rxiothub.twin.TwinSession.Failure;
import org.jspecify.annotations.Nullable;

/**
 * What the driver of a {@link TwinSession} must do, taken from {@link TwinSession#poll()}. Which fields are set
 * depends on {@link #kind()}.
 */
public final class TwinEffect {
  /** The kinds of effect. */
  public enum Kind {
    /** Start following {@link TwinTopic#RESPONSE_FILTER} (once; the transport keeps it across reconnects). */
    FOLLOW_RESPONSES,
    /**
     * Publish {@link #request()}'s topic with {@link #body()}; report {@link TwinSession#published} or
     * {@link TwinSession#publishFailed}.
     */
    PUBLISH,
    /** (Re)arm the one timer of request {@link #id()} for {@link #atMillis()}, replacing any earlier one. */
    TIMER,
    /** The request succeeded with {@link #response()}; it has ended, its timer is no longer needed. */
    COMPLETE,
    /** The request failed for {@link #failure()}; it has ended, its timer is no longer needed. */
    FAIL
  }

  private final Kind kind;
  private final long id;
  private final @Nullable TwinRequest request;
  private final byte @Nullable [] body;
  private final long atMillis;
  private final @Nullable TwinResponse response;
  private final @Nullable Failure failure;
  private final @Nullable String rid;
  private final int retries;
  private final @Nullable Object error;
  private final boolean retry;

  private TwinEffect(Kind kind, long id, @Nullable TwinRequest request, byte @Nullable [] body, long atMillis,
      @Nullable TwinResponse response, @Nullable Failure failure, @Nullable String rid, int retries,
      @Nullable Object error) {
    this(kind, id, request, body, atMillis, response, failure, rid, retries, error, false);
  }

  private TwinEffect(Kind kind, long id, @Nullable TwinRequest request, byte @Nullable [] body, long atMillis,
      @Nullable TwinResponse response, @Nullable Failure failure, @Nullable String rid, int retries,
      @Nullable Object error, boolean retry) {
    this.retry = retry;
    this.kind = kind;
    this.id = id;
    this.request = request;
    this.body = body;
    this.atMillis = atMillis;
    this.response = response;
    this.failure = failure;
    this.rid = rid;
    this.retries = retries;
    this.error = error;
  }

  static TwinEffect followResponses() {
    return new TwinEffect(Kind.FOLLOW_RESPONSES, 0, null, null, 0, null, null, null, 0, null);
  }

  static TwinEffect publish(long id, TwinRequest request, byte[] body) {
    return new TwinEffect(Kind.PUBLISH, id, request, body, 0, null, null, request.rid(), 0, null);
  }

  static TwinEffect timer(long id, long atMillis, boolean retry) {
    return new TwinEffect(Kind.TIMER, id, null, null, atMillis, null, null, null, 0, null, retry);
  }

  static TwinEffect complete(long id, TwinResponse response) {
    return new TwinEffect(Kind.COMPLETE, id, null, null, 0, response, null, response.rid(), 0, null);
  }

  static TwinEffect fail(long id, Failure failure, @Nullable String rid, @Nullable TwinResponse response,
      int retries, @Nullable Object error) {
    return new TwinEffect(Kind.FAIL, id, null, null, 0, response, failure, rid, retries, error);
  }

  /** Returns the kind. */
  public Kind kind() {
    return kind;
  }

  /** Returns the request id (0 for {@link Kind#FOLLOW_RESPONSES}). */
  public long id() {
    return id;
  }

  /** Returns the request to publish ({@link Kind#PUBLISH}), with its topic and {@code $rid}. */
  public @Nullable TwinRequest request() {
    return request;
  }

  /** Returns the body to publish ({@link Kind#PUBLISH}); the caller's array, not a copy. */
  public byte @Nullable [] body() {
    return body;
  }

  /** Returns when the timer should fire ({@link Kind#TIMER}), on the clock the events carry. */
  public long atMillis() {
    return atMillis;
  }

  /**
   * Returns the hub's answer: the success ({@link Kind#COMPLETE}) or the refusal
   * ({@link Failure#REJECTED}).
   */
  public @Nullable TwinResponse response() {
    return response;
  }

  /** Returns why the request failed ({@link Kind#FAIL}). */
  public @Nullable Failure failure() {
    return failure;
  }

  /** Returns the {@code $rid} of the attempt concerned, when there is one. */
  public @Nullable String rid() {
    return rid;
  }

  /** Returns how many retries the request had made when it failed. */
  public int retries() {
    return retries;
  }

  /**
   * Returns whether a {@link Kind#TIMER} is the wait before a retry (else it ends its attempt's
   * time): a driver may refuse a retry when its client is no longer connecting.
   */
  public boolean isRetry() {
    return retry;
  }

  /** Returns the driver's error of a {@link Failure#PUBLISH_FAILED}. */
  public @Nullable Object error() {
    return error;
  }

  @Override
  public String toString() {
    return kind + "#" + id + (request != null ? " " + request.topic() : "")
        + (kind == Kind.TIMER ? " at " + atMillis : "") + (failure != null ? " " + failure : "")
        + (response != null ? " status " + response.status() : "");
  }
}
