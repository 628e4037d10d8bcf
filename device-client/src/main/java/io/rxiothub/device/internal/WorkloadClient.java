// The IoT Edge workload API over HTTP(S) (protocol.md §17.5): sign a string with the module's key, fetch the trust
// bundle. HttpURLConnection (JDK and Android), blocking, bounded by time-outs.
package io.rxiothub.device.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.rxiothub.sas.internal.Base64Codec;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URL;
import java.net.URLEncoder;
import java.nio.charset.Charset;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** One workload API; thread-safe (each call is its own request). */
final class WorkloadClient {

  private static final Charset UTF_8 = Charset.forName("UTF-8");
  private static final JsonFactory JSON = new JsonFactory();
  private static final int TIMEOUT_MILLIS = 10_000;
  private static final int MAX_ANSWER = 256 * 1024;

  private final String base;
  private final String apiVersion;
  private final int timeoutMillis;

  WorkloadClient(String uri, String apiVersion) {
    this(uri, apiVersion, TIMEOUT_MILLIS);
  }

  /** With connect and read time-outs of {@code timeoutMillis} each (tests; the default is 10 s). */
  WorkloadClient(String uri, String apiVersion, int timeoutMillis) {
    this.timeoutMillis = timeoutMillis;
    String b = uri;
    while (b.endsWith("/")) {
      b = b.substring(0, b.length() - 1);
    }
    this.base = b;
    this.apiVersion = apiVersion;
  }

  /**
   * Returns the base64 HMAC-SHA256 digest of {@code data} with the module's primary key (a secret).
   *
   * @throws IllegalStateException naming the workload URI and what went wrong
   */
  String sign(String moduleId, String generationId, String data) {
    byte[] body;
    try {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      try (JsonGenerator g = JSON.createGenerator(out)) {
        g.writeStartObject();
        g.writeStringField("keyId", "primary");
        g.writeStringField("algo", "HMACSHA256");
        g.writeStringField("data", Base64Codec.encode(data.getBytes(UTF_8)));
        g.writeEndObject();
      }
      body = out.toByteArray();
    } catch (IOException e) {
      throw new IllegalStateException("could not write the sign request: " + e, e);
    }
    String path = "/modules/" + encode(moduleId) + "/genid/" + encode(generationId) + "/sign";
    String digest = field(request("POST", path, body), "digest", "sign " + path);
    byte[] bytes = Base64Codec.decode(digest);
    if (bytes == null || bytes.length != 32) {
      throw new IllegalStateException("the IoT Edge workload API at " + base + " answered " + path
          + " with a digest that is not a base64 HMAC-SHA256 value");
    }
    return digest;
  }

  /**
   * Returns the certificates of the trust bundle.
   *
   * @throws IllegalStateException naming the workload URI and what went wrong
   */
  X509Certificate[] trustBundle() {
    String pem = field(request("GET", "/trust-bundle", null), "certificate", "trust-bundle");
    try {
      Collection<? extends Certificate> all = CertificateFactory.getInstance("X.509")
          .generateCertificates(new ByteArrayInputStream(pem.getBytes(UTF_8)));
      List<X509Certificate> out = new ArrayList<>();
      for (Certificate c : all) {
        out.add((X509Certificate) c);
      }
      if (out.isEmpty()) {
        throw new IllegalStateException("the IoT Edge workload API at " + base + " sent a trust bundle without "
            + "certificates");
      }
      return out.toArray(new X509Certificate[0]);
    } catch (CertificateException | ClassCastException e) {
      throw new IllegalStateException("the IoT Edge workload API at " + base + " sent a trust bundle that is not "
          + "PEM X.509 certificates: " + e.getMessage(), e);
    }
  }

  private byte[] request(String method, String path, byte @Nullable [] body) {
    String where = "the IoT Edge workload API at " + base + " (" + method + " " + path + ")";
    HttpURLConnection c = null;
    try {
      c = (HttpURLConnection) new URL(base + path + "?api-version=" + encode(apiVersion)).openConnection();
      c.setConnectTimeout(timeoutMillis);
      c.setReadTimeout(timeoutMillis);
      c.setRequestMethod(method);
      c.setRequestProperty("Accept", "application/json");
      c.setUseCaches(false);
      if (body != null) {
        c.setDoOutput(true);
        c.setRequestProperty("Content-Type", "application/json");
        c.setFixedLengthStreamingMode(body.length);
        try (OutputStream out = c.getOutputStream()) {
          out.write(body);
        }
      }
      int status = c.getResponseCode();
      InputStream in = status >= 400 ? c.getErrorStream() : c.getInputStream();
      byte[] answer = in == null ? new byte[0] : readSmall(in);
      if (status < 200 || status > 299) {
        String message = null;
        try {
          message = parseField(answer, "message");
        } catch (IOException | RuntimeException ignored) {
          // no JSON error body: the status alone says it
        }
        throw new IllegalStateException(where + " answered " + status
            + (message == null ? "" : ": " + message));
      }
      return answer;
    } catch (IOException e) {
      throw new IllegalStateException(where + " could not be reached: " + e, e);
    } finally {
      if (c != null) {
        c.disconnect();
      }
    }
  }

  private String field(byte[] answer, String name, String what) {
    String value;
    try {
      value = parseField(answer, name);
    } catch (IOException | RuntimeException e) {
      value = null;
    }
    if (value == null || value.isEmpty()) {
      throw new IllegalStateException("the IoT Edge workload API at " + base + " answered " + what
          + " without a JSON string field '" + name + "'");
    }
    return value;
  }

  private static @Nullable String parseField(byte[] json, String name) throws IOException {
    try (JsonParser p = JSON.createParser(json)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        return null;
      }
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String field = p.getCurrentName();
        JsonToken value = p.nextToken();
        if (field.equals(name) && value == JsonToken.VALUE_STRING) {
          return p.getText();
        }
        p.skipChildren();
      }
      return null;
    }
  }

  private static byte[] readSmall(InputStream in) throws IOException {
    try (InputStream input = in) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      byte[] buffer = new byte[4096];
      int n;
      while ((n = input.read(buffer)) >= 0) {
        out.write(buffer, 0, n);
        if (out.size() > MAX_ANSWER) {
          throw new IOException("answer over " + MAX_ANSWER + " bytes");
        }
      }
      return out.toByteArray();
    }
  }

  private static String encode(String segment) {
    try {
      return URLEncoder.encode(segment, "UTF-8").replace("+", "%20");
    } catch (java.io.UnsupportedEncodingException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public String toString() {
    return "workload " + base + " api-version " + apiVersion;
  }
}
