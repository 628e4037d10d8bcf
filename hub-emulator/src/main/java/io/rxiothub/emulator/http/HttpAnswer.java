// An HTTP response of the emulator's HTTPS route table.
package io.rxiothub.emulator.http;

import io.reactivex.rxjava3.core.Flowable;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/** A status, headers and a body. Immutable; build with {@link #builder()} or {@link #json(int, String)}. */
public final class HttpAnswer {

  private final int status;
  private final Map<String, String> headers;
  private final byte[] body;
  private final @Nullable Flowable<byte[]> stream;

  private HttpAnswer(Builder b) {
    this.status = b.status;
    this.headers = Collections.unmodifiableMap(new LinkedHashMap<>(b.headers));
    this.body = b.body.clone();
    this.stream = b.stream;
  }

  /** A builder: status 200, no headers, empty body. */
  public static Builder builder() {
    return new Builder();
  }

  /** A JSON answer ({@code Content-Type: application/json; charset=utf-8}). */
  public static HttpAnswer json(int status, String json) {
    if (json == null) {
      throw new IllegalArgumentException("json must not be null");
    }
    return builder().status(status).header("Content-Type", "application/json; charset=utf-8")
        .body(json.getBytes(StandardCharsets.UTF_8)).build();
  }

  /** A builder holding this answer's values. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.status = status;
    b.headers.putAll(headers);
    b.body = body;
    b.stream = stream;
    return b;
  }

  /** The HTTP status. */
  public int status() {
    return status;
  }

  /** The headers, in insertion order. */
  public Map<String, String> headers() {
    return headers;
  }

  /** The body (a copy). */
  public byte[] body() {
    return body.clone();
  }

  /**
   * The streamed body, or null: sent chunk by chunk after the body (HTTP/1.1 chunked encoding) until it completes;
   * the client closing the connection cancels it.
   */
  public @Nullable Flowable<byte[]> stream() {
    return stream;
  }

  @Override
  public boolean equals(@Nullable Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof HttpAnswer)) {
      return false;
    }
    HttpAnswer other = (HttpAnswer) o;
    return status == other.status && headers.equals(other.headers) && Arrays.equals(body, other.body)
        && Objects.equals(stream, other.stream);
  }

  @Override
  public int hashCode() {
    return Objects.hash(status, headers, stream) * 31 + Arrays.hashCode(body);
  }

  @Override
  public String toString() {
    return "HttpAnswer{status=" + status + ", headers=" + headers.keySet() + ", body=" + body.length + " bytes"
        + (stream == null ? "" : ", streamed") + "}";
  }

  /** Builds an {@link HttpAnswer}. */
  public static final class Builder {
    private int status = 200;
    private final Map<String, String> headers = new LinkedHashMap<>();
    private byte[] body = new byte[0];
    private @Nullable Flowable<byte[]> stream;

    private Builder() {}

    /** The status, 100..599. */
    public Builder status(int status) {
      if (status < 100 || status > 599) {
        throw new IllegalArgumentException("status must be in 100..599, got " + status);
      }
      this.status = status;
      return this;
    }

    /** Sets a header (replacing one of the same name as given). */
    public Builder header(String name, String value) {
      if (name == null || name.isEmpty()) {
        throw new IllegalArgumentException("name must not be null or empty");
      }
      if (value == null) {
        throw new IllegalArgumentException("value must not be null");
      }
      headers.put(name, value);
      return this;
    }

    /** The body (copied). */
    public Builder body(byte[] body) {
      if (body == null) {
        throw new IllegalArgumentException("body must not be null");
      }
      this.body = body.clone();
      return this;
    }

    /** A streamed body (e.g. Server-Sent Events), sent after {@link #body(byte[])}; see {@link HttpAnswer#stream()}. */
    public Builder stream(Flowable<byte[]> stream) {
      if (stream == null) {
        throw new IllegalArgumentException("stream must not be null");
      }
      this.stream = stream;
      return this;
    }

    /** Builds the answer. */
    public HttpAnswer build() {
      return new HttpAnswer(this);
    }
  }
}
