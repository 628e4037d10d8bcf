// The device's file uploads (protocol.md §16): SAS URI from the hub, the content to Blob storage block by block
// with retries, and the notification that always follows; blocking HTTPS on the client's fileUploadScheduler.
package io.rxiothub.device.internal;

import io.reactivex.rxjava3.annotations.CheckReturnValue;
import io.reactivex.rxjava3.core.BackpressureStrategy;
import io.reactivex.rxjava3.core.Completable;
import io.reactivex.rxjava3.core.Flowable;
import io.reactivex.rxjava3.core.Scheduler;
import io.reactivex.rxjava3.core.Single;
import io.rxiothub.device.BlobSasUri;
import io.rxiothub.device.FileUploads;
import io.rxiothub.device.IotHubFileUploadException;
import io.rxiothub.device.IotHubFileUploadException.Stage;
import io.rxiothub.device.UploadProgress;
import io.rxiothub.sas.PercentEncoding;
import java.io.File;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.Charset;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManagerFactory;
import org.jspecify.annotations.Nullable;
import org.reactivestreams.Publisher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The file uploads of one identity; stateless, so a client makes one whenever it is asked for it. */
public final class FileUploadEngine implements FileUploads {

  private static final Logger LOG = LoggerFactory.getLogger(FileUploadEngine.class);
  private static final Charset UTF_8 = Charset.forName("UTF-8");

  /** The default block size: 4 MiB. */
  public static final int DEFAULT_BLOCK_SIZE = 4 * 1024 * 1024;

  private final String deviceId;
  private final @Nullable String moduleId;
  private final Credentials credentials;
  private final UploadSettings settings;
  private final Scheduler callbacks;
  private final Scheduler time;

  /**
   * What an upload needs besides the identity; clients built alike share one (ClientFactory), and its HTTPS
   * socket factory is made at the first upload, so a client that never uploads pays nothing for file upload.
   */
  public static final class UploadSettings {
    final String host;
    final int port;
    final String apiVersion;
    private final @Nullable TrustManagerFactory trust;
    private final @Nullable KeyManagerFactory keys;
    final int blockSize;
    final int maxAttempts;
    final long firstRetryMillis;
    final long maxRetryMillis;
    /** Where the blocking exchanges run (the builder's fileUploadScheduler, default io()). */
    final Scheduler blocking;
    private volatile @Nullable SSLSocketFactory sockets;

    /** Settings; {@code trust} and {@code keys} null mean the JVM's defaults. */
    public UploadSettings(String host, int port, String apiVersion, @Nullable TrustManagerFactory trust,
        @Nullable KeyManagerFactory keys, int blockSize, int maxAttempts, long firstRetryMillis,
        long maxRetryMillis, Scheduler blocking) {
      this.host = host;
      this.port = port;
      this.apiVersion = apiVersion;
      this.trust = trust;
      this.keys = keys;
      this.blockSize = blockSize;
      this.maxAttempts = maxAttempts;
      this.firstRetryMillis = firstRetryMillis;
      this.maxRetryMillis = maxRetryMillis;
      this.blocking = blocking;
    }

    /** Whether these settings are the ones given (the same trust and key manager factories and scheduler). */
    public boolean hasValues(String host, int port, String apiVersion, @Nullable TrustManagerFactory trust,
        @Nullable KeyManagerFactory keys, int blockSize, Scheduler blocking) {
      return this.host.equals(host) && this.port == port && this.apiVersion.equals(apiVersion)
          && this.trust == trust && this.keys == keys && this.blockSize == blockSize && this.blocking == blocking;
    }

    /** The HTTPS socket factory, made at first use; null for the JVM's default TLS. */
    @Nullable SSLSocketFactory sockets() {
      SSLSocketFactory made = sockets;
      if (made == null && (trust != null || keys != null)) {
        synchronized (this) {
          made = sockets;
          if (made == null) {
            made = HttpsSockets.of(trust, keys);
            sockets = made;
          }
        }
      }
      return made;
    }
  }

  /** The engine of one identity. */
  public FileUploadEngine(String deviceId, @Nullable String moduleId, Credentials credentials,
      UploadSettings settings, Scheduler callbacks, Scheduler time) {
    this.deviceId = deviceId;
    this.moduleId = moduleId;
    this.credentials = credentials;
    this.settings = settings;
    this.callbacks = callbacks;
    this.time = time;
  }

  @Override
  @CheckReturnValue
  public Flowable<UploadProgress> upload(String blobName, File file) {
    if (file == null) {
      throw new IllegalArgumentException("file must not be null");
    }
    checkBlobName(blobName);
    return start(blobName, () -> BlockSource.of(new FileInputStream(file), file.length()));
  }

  @Override
  @CheckReturnValue
  public Flowable<UploadProgress> upload(String blobName, Callable<? extends InputStream> source) {
    if (source == null) {
      throw new IllegalArgumentException("source must not be null");
    }
    checkBlobName(blobName);
    return start(blobName, () -> {
      InputStream in = source.call();
      if (in == null) {
        throw new IOException("the source returned no InputStream");
      }
      return BlockSource.of(in, -1);
    });
  }

  @Override
  @CheckReturnValue
  public Flowable<UploadProgress> upload(String blobName, Publisher<ByteBuffer> source) {
    if (source == null) {
      throw new IllegalArgumentException("source must not be null");
    }
    checkBlobName(blobName);
    return start(blobName, () -> BlockSource.of(source));
  }

  private Flowable<UploadProgress> start(String blobName, Callable<BlockSource> source) {
    return Flowable.<UploadProgress>create(emitter -> {
      UploadRun run = new UploadRun(this, blobName, source, emitter);
      emitter.setCancellable(run::cancel);
      settings.blocking.scheduleDirect(run);
    }, BackpressureStrategy.LATEST).observeOn(callbacks);
  }

  @Override
  @CheckReturnValue
  public Single<BlobSasUri> sasUri(String blobName) {
    checkBlobName(blobName);
    return Single.<BlobSasUri>create(emitter -> {
      HttpsExchange http = exchange();
      emitter.setCancellable(http::abort);
      settings.blocking.scheduleDirect(() -> {
        try {
          emitter.onSuccess(requestSasUri(http, blobName));
        } catch (IotHubFileUploadException e) {
          emitter.tryOnError(e);
        }
      });
    }).observeOn(callbacks);
  }

  @Override
  @CheckReturnValue
  public Completable notify(BlobSasUri sasUri, boolean success, int statusCode, String statusDescription) {
    if (sasUri == null) {
      throw new IllegalArgumentException("sasUri must not be null");
    }
    if (statusDescription == null) {
      throw new IllegalArgumentException("statusDescription must not be null (use \"\")");
    }
    return Completable.create(emitter -> {
      HttpsExchange http = exchange();
      emitter.setCancellable(http::abort);
      settings.blocking.scheduleDirect(() -> {
        try {
          sendNotification(http, sasUri, success, statusCode, statusDescription);
          emitter.onComplete();
        } catch (IotHubFileUploadException e) {
          emitter.tryOnError(e);
        }
      });
    }).observeOn(callbacks);
  }

  HttpsExchange exchange() {
    return new HttpsExchange(settings.sockets(), 30_000, 120_000);
  }

  int blockSize() {
    return settings.blockSize;
  }

  UploadSettings settings() {
    return settings;
  }

  long nowMillis() {
    return time.now(TimeUnit.MILLISECONDS);
  }

  String identity() {
    return moduleId == null ? deviceId : deviceId + "/" + moduleId;
  }

  /** Checks the name the hub will store as {@code {deviceId}/{blobName}} against storage's rules. */
  void checkBlobName(String blobName) {
    if (blobName == null) {
      throw new IllegalArgumentException("blobName must not be null");
    }
    String problem = BlobNameRules.problem(blobName, deviceId.length() + 1
        + (moduleId == null ? 0 : moduleId.length() + 1));
    if (problem != null) {
      throw new IllegalArgumentException(problem);
    }
  }

  private String hubUrl(String suffix) {
    StringBuilder url = new StringBuilder("https://").append(settings.host);
    if (settings.port != 443) {
      url.append(':').append(settings.port);
    }
    url.append("/devices/");
    PercentEncoding.encode(deviceId, url);
    if (moduleId != null) {
      url.append("/modules/");
      PercentEncoding.encode(moduleId, url);
    }
    return url.append(suffix).append("?api-version=").append(settings.apiVersion).toString();
  }

  private java.util.Map<String, String> hubHeaders() {
    java.util.Map<String, String> headers = new java.util.LinkedHashMap<>();
    headers.put("Content-Type", "application/json; charset=utf-8");
    headers.put("Accept", "application/json");
    headers.put("User-Agent", "rxiothub/" + Version.VERSION);
    String token = credentials.httpAuthorization(nowMillis());
    if (token != null) {
      headers.put("Authorization", token);
    }
    return headers;
  }

  BlobSasUri requestSasUri(HttpsExchange http, String blobName) {
    byte[] body = UploadJson.sasRequest(blobName);
    HttpsExchange.Answer answer;
    try {
      answer = http.send("POST", hubUrl("/files"), hubHeaders(), body, body.length);
    } catch (IOException e) {
      throw new IotHubFileUploadException(Stage.SAS_URI, 0, "asking the hub for a SAS URI for '" + blobName
          + "' failed: " + e.getMessage(), e);
    }
    if (answer.status != 200) {
      throw new IotHubFileUploadException(Stage.SAS_URI, answer.status, "the hub refused a SAS URI for '"
          + blobName + "' with " + answer.status + ": " + hubMessage(answer), null);
    }
    try {
      return UploadJson.sasAnswer(answer.body);
    } catch (IOException e) {
      throw new IotHubFileUploadException(Stage.SAS_URI, answer.status, e.getMessage(), e);
    }
  }

  void sendNotification(HttpsExchange http, BlobSasUri sas, boolean success, int statusCode, String description) {
    byte[] body = UploadJson.notification(sas.correlationId(), success, statusCode, description);
    HttpsExchange.Answer answer;
    try {
      answer = http.send("POST", hubUrl("/files/notifications"), hubHeaders(), body, body.length);
    } catch (IOException e) {
      throw new IotHubFileUploadException(Stage.NOTIFICATION, 0, "notifying the hub of the upload of '"
          + sas.blobName() + "' failed: " + e.getMessage(), e);
    }
    if (answer.status / 100 != 2) {
      throw new IotHubFileUploadException(Stage.NOTIFICATION, answer.status, "the hub refused the notification of"
          + " the upload of '" + sas.blobName() + "' with " + answer.status + ": " + hubMessage(answer), null);
    }
    LOG.debug("{}: notified the hub of the upload of {} (success={})", identity(), sas.blobName(), success);
  }

  /** The hub's error message, at most 300 characters (it never holds the token). */
  static String hubMessage(HttpsExchange.Answer answer) {
    String message = UploadJson.errorMessage(answer.body);
    String text = message != null ? message : new String(answer.body, UTF_8).trim();
    return text.length() > 300 ? text.substring(0, 300) + "…" : text.isEmpty() ? "(no body)" : text;
  }

  @Override
  public String toString() {
    return "FileUploads{" + identity() + " via https://" + settings.host + ":" + settings.port + "}";
  }
}
