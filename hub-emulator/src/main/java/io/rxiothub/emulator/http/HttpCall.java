// An HTTP request as the emulator's HTTPS route table hands it to a handler.
package io.rxiothub.emulator.http;

import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A request: method, path (percent-encoded, as sent), query parameters and path variables (decoded), headers (names
 * matched case-insensitively), body, and the client certificate chain of the TLS connection, if any. Immutable. The {@code Authorization} header is a secret: {@link #toString()}
 * never shows headers' values or the body.
 */
public final class HttpCall {

  private final String method;
  private final String path;
  private final Map<String, String> query;
  private final Map<String, String> headers;
  private final Map<String, String> pathVariables;
  private final byte[] body;
  private final List<X509Certificate> clientCertificates;

  private HttpCall(Builder b) {
    this.method = Objects.requireNonNull(b.method);
    this.path = Objects.requireNonNull(b.path);
    this.query = Collections.unmodifiableMap(new LinkedHashMap<>(b.query));
    this.headers = Collections.unmodifiableMap(new LinkedHashMap<>(b.headers));
    this.pathVariables = Collections.unmodifiableMap(new LinkedHashMap<>(b.pathVariables));
    this.body = b.body.clone();
    this.clientCertificates = Collections.unmodifiableList(new ArrayList<>(b.clientCertificates));
  }

  /** A builder; method and path are required. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder holding this call's values. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.method = method;
    b.path = path;
    b.query.putAll(query);
    b.headers.putAll(headers);
    b.pathVariables.putAll(pathVariables);
    b.body = body;
    b.clientCertificates.addAll(clientCertificates);
    return b;
  }

  /** The HTTP method, upper case ({@code X-HTTP-Method-Override} already applied). */
  public String method() {
    return method;
  }

  /** The path without the query, as sent (percent-encoded). */
  public String path() {
    return path;
  }

  /** A query parameter (decoded), or null. */
  public @Nullable String query(String name) {
    return query.get(name);
  }

  /** Every query parameter (decoded; the first of repeated names). */
  public Map<String, String> queryParameters() {
    return query;
  }

  /** A header's value, the name matched case-insensitively, or null. */
  public @Nullable String header(String name) {
    return headers.get(name.toLowerCase(Locale.ROOT));
  }

  /** A path variable of the matched template (decoded), e.g. {@code path("id")} for {@code /devices/{id}}. */
  public String path(String variable) {
    String value = pathVariables.get(variable);
    if (value == null) {
      throw new IllegalArgumentException("variable '" + variable + "' is not in the route's template");
    }
    return value;
  }

  /** The body (a copy). */
  public byte[] body() {
    return body.clone();
  }

  /** The body's length. */
  public int bodyLength() {
    return body.length;
  }

  /**
   * The certificate chain the client presented in the TLS handshake, leaf first, or empty. The emulator's HTTPS
   * port asks for one without requiring it and accepts any in the handshake: a handler judges it (the device file
   * endpoints do, for X.509 identities).
   */
  public List<X509Certificate> clientCertificates() {
    return clientCertificates;
  }

  @Override
  public boolean equals(@Nullable Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof HttpCall)) {
      return false;
    }
    HttpCall other = (HttpCall) o;
    return method.equals(other.method) && path.equals(other.path) && query.equals(other.query)
        && headers.equals(other.headers) && pathVariables.equals(other.pathVariables)
        && Arrays.equals(body, other.body) && clientCertificates.equals(other.clientCertificates);
  }

  @Override
  public int hashCode() {
    return (Objects.hash(method, path, query, headers, pathVariables) * 31 + Arrays.hashCode(body)) * 31
        + clientCertificates.hashCode();
  }

  @Override
  public String toString() {
    return "HttpCall{" + method + " " + path + ", headers=" + headers.keySet() + ", body=" + body.length
        + " bytes"
        + (clientCertificates.isEmpty() ? "" : ", client certificates=" + clientCertificates.size()) + "}";
  }

  /** Builds an {@link HttpCall}. */
  public static final class Builder {
    private @Nullable String method;
    private @Nullable String path;
    private final Map<String, String> query = new LinkedHashMap<>();
    private final Map<String, String> headers = new LinkedHashMap<>();
    private final Map<String, String> pathVariables = new LinkedHashMap<>();
    private byte[] body = new byte[0];
    private final List<X509Certificate> clientCertificates = new ArrayList<>();

    private Builder() {}

    /** The method (stored upper case). */
    public Builder method(String method) {
      if (method == null || method.isEmpty()) {
        throw new IllegalArgumentException("method must not be null or empty");
      }
      this.method = method.toUpperCase(Locale.ROOT);
      return this;
    }

    /** The path, starting with '/', without the query. */
    public Builder path(String path) {
      if (path == null || !path.startsWith("/")) {
        throw new IllegalArgumentException("path must start with '/'");
      }
      this.path = path;
      return this;
    }

    /** A decoded query parameter (the first value of a name is kept). */
    public Builder query(String name, String value) {
      if (name == null) {
        throw new IllegalArgumentException("name must not be null");
      }
      if (value == null) {
        throw new IllegalArgumentException("value must not be null");
      }
      query.putIfAbsent(name, value);
      return this;
    }

    /** A header (the name is matched case-insensitively; a repeated name keeps the first value). */
    public Builder header(String name, String value) {
      if (name == null) {
        throw new IllegalArgumentException("name must not be null");
      }
      if (value == null) {
        throw new IllegalArgumentException("value must not be null");
      }
      headers.putIfAbsent(name.toLowerCase(Locale.ROOT), value);
      return this;
    }

    /** A decoded path variable (set by the route table when a template matches). */
    public Builder pathVariable(String name, String value) {
      if (name == null) {
        throw new IllegalArgumentException("name must not be null");
      }
      if (value == null) {
        throw new IllegalArgumentException("value must not be null");
      }
      pathVariables.put(name, value);
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

    /** The client certificate chain of the TLS connection, leaf first (copied; replaces any set before). */
    public Builder clientCertificates(List<X509Certificate> chain) {
      if (chain == null) {
        throw new IllegalArgumentException("chain must not be null");
      }
      for (X509Certificate certificate : chain) {
        if (certificate == null) {
          throw new IllegalArgumentException("chain must not hold null");
        }
      }
      clientCertificates.clear();
      clientCertificates.addAll(chain);
      return this;
    }

    /** Builds the call. @throws IllegalStateException without a method or a path */
    public HttpCall build() {
      if (method == null || path == null) {
        throw new IllegalStateException("an HttpCall needs a method and a path");
      }
      return new HttpCall(this);
    }
  }
}
