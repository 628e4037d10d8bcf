// One blocking HTTPS request with HttpURLConnection (in the JDK and on Android: no dependency), abortable from
// another thread, its body streamed from a byte range.
package io.rxiothub.device.internal;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URL;
import java.util.Map;
import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLSocketFactory;
import org.jspecify.annotations.Nullable;

/** Makes requests; {@link #abort()} disconnects the one in progress (the caller then gets an IOException). */
final class HttpsExchange {

  /** A status, the storage error code header (or null) and the body (answers are small: errors, JSON). */
  static final class Answer {
    final int status;
    final @Nullable String errorCode;
    final byte[] body;

    Answer(int status, @Nullable String errorCode, byte[] body) {
      this.status = status;
      this.errorCode = errorCode;
      this.body = body;
    }
  }

  private static final int MAX_ANSWER = 64 * 1024;
  /**
   * Bodies above this are streamed (blocks); smaller ones (the hub's JSON) are buffered, because in streaming mode
   * HttpURLConnection drops the body of a 401 answer, and the hub's 401 says what is wrong with the credentials.
   */
  private static final int STREAMING_THRESHOLD = 16 * 1024;

  private final @Nullable SSLSocketFactory sockets;
  private final int connectTimeoutMillis;
  private final int readTimeoutMillis;
  private volatile @Nullable HttpURLConnection current;
  private volatile boolean aborted;

  HttpsExchange(@Nullable SSLSocketFactory sockets, int connectTimeoutMillis, int readTimeoutMillis) {
    this.sockets = sockets;
    this.connectTimeoutMillis = connectTimeoutMillis;
    this.readTimeoutMillis = readTimeoutMillis;
  }

  /** Sends {@code body[0..length)} with {@code headers}; returns the answer, whatever its status. */
  Answer send(String method, String url, Map<String, String> headers, byte[] body, int length) throws IOException {
    if (aborted) {
      throw new IOException("the upload was aborted");
    }
    HttpURLConnection c = (HttpURLConnection) new URL(url).openConnection();
    current = c;
    try {
      if (c instanceof HttpsURLConnection && sockets != null) {
        ((HttpsURLConnection) c).setSSLSocketFactory(sockets);
      }
      c.setConnectTimeout(connectTimeoutMillis);
      c.setReadTimeout(readTimeoutMillis);
      c.setUseCaches(false);
      c.setInstanceFollowRedirects(false);
      c.setRequestMethod(method);
      for (Map.Entry<String, String> h : headers.entrySet()) {
        c.setRequestProperty(h.getKey(), h.getValue());
      }
      if (aborted) {
        throw new IOException("the upload was aborted");
      }
      c.setDoOutput(true);
      if (length > STREAMING_THRESHOLD) {
        c.setFixedLengthStreamingMode(length);
      }
      OutputStream out = c.getOutputStream();
      try {
        out.write(body, 0, length);
      } finally {
        out.close();
      }
      int status = c.getResponseCode();
      InputStream in = status >= 400 ? c.getErrorStream() : c.getInputStream();
      byte[] answer = in == null ? new byte[0] : readSmall(in);
      return new Answer(status, c.getHeaderField("x-ms-error-code"), answer);
    } catch (IOException e) {
      if (aborted) {
        throw new IOException("the upload was aborted", e);
      }
      throw e;
    } finally {
      current = null;
    }
  }

  /** Aborts the request in progress and every later one. */
  void abort() {
    aborted = true;
    HttpURLConnection c = current;
    if (c != null) {
      c.disconnect();
    }
  }

  boolean isAborted() {
    return aborted;
  }

  /** Reads an answer body (kept for errors and JSON), discarding what is past 64 KiB so the connection is reused. */
  private static byte[] readSmall(InputStream in) throws IOException {
    try {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      byte[] chunk = new byte[4096];
      int n;
      while ((n = in.read(chunk)) >= 0) {
        if (out.size() < MAX_ANSWER) {
          out.write(chunk, 0, Math.min(n, MAX_ANSWER - out.size()));
        }
      }
      return out.toByteArray();
    } finally {
      in.close();
    }
  }
}
