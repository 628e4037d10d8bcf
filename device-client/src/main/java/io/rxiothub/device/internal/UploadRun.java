// One file upload, run on an io() thread: SAS URI, Put Blob or Put Block per block (each retried) and Put Block
// List, then the notification, which is sent whatever happened once the hub handed out the SAS URI.
package io.rxiothub.device.internal;

import io.reactivex.rxjava3.core.FlowableEmitter;
import io.rxiothub.device.BlobSasUri;
import io.rxiothub.device.IotHubFileUploadException;
import io.rxiothub.device.IotHubFileUploadException.Stage;
import io.rxiothub.device.UploadProgress;
import io.rxiothub.sas.internal.Base64Codec;
import java.io.IOException;
import java.nio.charset.Charset;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Runs once; {@link #cancel()} may come from any thread. */
final class UploadRun implements Runnable {

  private static final Logger LOG = LoggerFactory.getLogger(UploadRun.class);
  private static final Charset UTF_8 = Charset.forName("UTF-8");
  /** The Blob service version of our requests. */
  static final String STORAGE_VERSION = "2020-10-02";
  /** Storage's limit of blocks per blob. */
  static final int MAX_BLOCKS = 50_000;
  /** The status the notification carries when the device gave up (dispose): "client closed request". */
  static final int CANCELLED_STATUS = 499;

  private final FileUploadEngine engine;
  private final String blobName;
  private final Callable<BlockSource> sourceFactory;
  private final FlowableEmitter<UploadProgress> emitter;
  private final HttpsExchange http;
  private final CountDownLatch cancelled = new CountDownLatch(1);
  private volatile @Nullable BlockSource source;

  UploadRun(FileUploadEngine engine, String blobName, Callable<BlockSource> sourceFactory,
      FlowableEmitter<UploadProgress> emitter) {
    this.engine = engine;
    this.blobName = blobName;
    this.sourceFactory = sourceFactory;
    this.emitter = emitter;
    this.http = engine.exchange();
  }

  void cancel() {
    cancelled.countDown();
    BlockSource s = source;
    if (s != null) {
      s.close();
    }
    // The storage request in progress is aborted; the notification below gets its own exchange.
    http.abort();
  }

  private boolean isCancelled() {
    return cancelled.getCount() == 0;
  }

  @Override
  public void run() {
    if (isCancelled()) {
      return; // disposed before a thread of the upload scheduler was free: the hub was never asked
    }
    BlobSasUri sas;
    try {
      sas = engine.requestSasUri(http, blobName);
    } catch (IotHubFileUploadException e) {
      emitter.tryOnError(e);
      return;
    }
    IotHubFileUploadException failure = null;
    int status;
    try {
      status = transfer(sas);
    } catch (IotHubFileUploadException e) {
      failure = e;
      status = e.status() != 0 ? e.status() : 500;
    } catch (RuntimeException e) {
      failure = new IotHubFileUploadException(Stage.SOURCE, 0, "the upload of '" + sas.blobName() + "' failed: "
          + e, e);
      status = 500;
    } finally {
      BlockSource s = source;
      if (s != null) {
        s.close();
      }
    }
    boolean success = failure == null && !isCancelled();
    String description = success ? "uploaded" : isCancelled() ? "cancelled by the device"
        : String.valueOf(failure.getMessage());
    if (isCancelled()) {
      status = CANCELLED_STATUS;
    }
    try {
      engine.sendNotification(engine.exchange(), sas, success, status, description);
    } catch (IotHubFileUploadException e) {
      LOG.warn("{}: the hub did not take the notification of the upload of {}: {}", engine.identity(),
          sas.blobName(), e.getMessage());
      if (failure == null) {
        failure = e;
      }
    }
    if (failure != null) {
      emitter.tryOnError(failure);
    } else if (isCancelled()) {
      emitter.tryOnError(new IotHubFileUploadException(Stage.STORAGE, 0, "the upload was cancelled", null));
    } else {
      emitter.onComplete();
    }
  }

  /** Sends the content; returns storage's status of the commit (201). */
  private int transfer(BlobSasUri sas) {
    BlockSource s;
    try {
      s = sourceFactory.call();
    } catch (Exception e) {
      throw new IotHubFileUploadException(Stage.SOURCE, 0, "the content of '" + sas.blobName()
          + "' cannot be read: " + e, e);
    }
    source = s;
    if (isCancelled()) {
      s.close();
      throw new IotHubFileUploadException(Stage.STORAGE, 0, "the upload was cancelled", null);
    }
    long total = s.length();
    byte[] block = new byte[engine.blockSize()];
    int n = read(s, block, sas);
    String uri = sas.blobUriWithSas();
    if (n < block.length) {
      Map<String, String> headers = storageHeaders();
      headers.put("x-ms-blob-type", "BlockBlob");
      headers.put("Content-MD5", md5(block, n));
      int status = put(uri, headers, block, n, "Put Blob");
      progress(sas, n, total);
      return status;
    }
    List<String> ids = new ArrayList<>();
    long sent = 0;
    while (n > 0) {
      if (ids.size() == MAX_BLOCKS) {
        throw new IotHubFileUploadException(Stage.SOURCE, 0, "the content of '" + sas.blobName() + "' is over"
            + " storage's 50,000 blocks of " + block.length + " bytes: raise fileUploadBlockSize", null);
      }
      String id = Base64Codec.encode(String.format(Locale.ROOT, "block-%08d", ids.size()).getBytes(UTF_8));
      Map<String, String> headers = storageHeaders();
      headers.put("Content-MD5", md5(block, n));
      put(uri + "&comp=block&blockid=" + io.rxiothub.sas.PercentEncoding.encode(id), headers, block, n,
          "Put Block " + ids.size());
      ids.add(id);
      sent += n;
      progress(sas, sent, total);
      n = read(s, block, sas);
    }
    StringBuilder xml = new StringBuilder("<?xml version=\"1.0\" encoding=\"utf-8\"?><BlockList>");
    for (String id : ids) {
      xml.append("<Latest>").append(id).append("</Latest>");
    }
    byte[] list = xml.append("</BlockList>").toString().getBytes(UTF_8);
    Map<String, String> headers = storageHeaders();
    headers.put("Content-Type", "application/xml");
    return put(uri + "&comp=blocklist", headers, list, list.length, "Put Block List");
  }

  private int read(BlockSource s, byte[] block, BlobSasUri sas) {
    try {
      int n = s.fill(block);
      if (isCancelled()) {
        throw new IotHubFileUploadException(Stage.STORAGE, 0, "the upload was cancelled", null);
      }
      return n;
    } catch (IOException e) {
      if (isCancelled()) {
        throw new IotHubFileUploadException(Stage.STORAGE, 0, "the upload was cancelled", null);
      }
      throw new IotHubFileUploadException(Stage.SOURCE, 0, "reading the content of '" + sas.blobName()
          + "' failed: " + e.getMessage(), e);
    }
  }

  private void progress(BlobSasUri sas, long sent, long total) {
    emitter.onNext(UploadProgress.of(sas.blobName(), sent, total >= sent ? total : -1));
  }

  private static Map<String, String> storageHeaders() {
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("x-ms-version", STORAGE_VERSION);
    headers.put("Content-Type", "application/octet-stream");
    return headers;
  }

  /** One storage request, retried on I/O errors, 408, 429 and 5xx; returns the 2xx status. */
  private int put(String uri, Map<String, String> headers, byte[] body, int length, String what) {
    FileUploadEngine.UploadSettings settings = engine.settings();
    long delay = settings.firstRetryMillis;
    for (int attempt = 1;; attempt++) {
      if (isCancelled()) {
        throw new IotHubFileUploadException(Stage.STORAGE, 0, "the upload was cancelled", null);
      }
      int status;
      String reason;
      IOException cause = null;
      try {
        HttpsExchange.Answer answer = http.send("PUT", uri, headers, body, length);
        if (answer.status / 100 == 2) {
          return answer.status;
        }
        status = answer.status;
        reason = "storage answered " + status + (answer.errorCode == null ? "" : " " + answer.errorCode)
            + storageMessage(answer.body);
        if (status == 403) {
          reason += " (if the SAS expired: a SAS URI is valid for the hub's SAS lifetime, 1 hour by default, from"
              + " the request, so an upload that outlasts it fails; upload again for a new one)";
        }
      } catch (IOException e) {
        status = 0;
        cause = e;
        reason = "I/O error: " + e.getMessage();
      }
      boolean retryable = status == 0 || status == 408 || status == 429 || status >= 500;
      if (!retryable || attempt >= settings.maxAttempts || isCancelled()) {
        throw new IotHubFileUploadException(Stage.STORAGE, status, what + " of '" + blobName + "' failed after "
            + attempt + (attempt == 1 ? " attempt: " : " attempts: ") + reason, cause);
      }
      LOG.info("{}: {} of {} failed ({}), retrying in {} ms", engine.identity(), what, blobName, reason, delay);
      try {
        if (cancelled.await(delay, TimeUnit.MILLISECONDS)) {
          throw new IotHubFileUploadException(Stage.STORAGE, 0, "the upload was cancelled", null);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IotHubFileUploadException(Stage.STORAGE, 0, "the upload was interrupted", e);
      }
      delay = Math.min(delay * 2, settings.maxRetryMillis);
    }
  }

  /** Storage's {@code <Message>} of an error answer, as ": {text}" (first line, at most 300 characters), or "". */
  static String storageMessage(byte[] body) {
    String xml = new String(body, UTF_8);
    int start = xml.indexOf("<Message>");
    int end = start < 0 ? -1 : xml.indexOf("</Message>", start);
    if (end < 0) {
      return "";
    }
    String text = xml.substring(start + "<Message>".length(), end).replace("&lt;", "<").replace("&gt;", ">")
        .replace("&quot;", "\"").replace("&apos;", "'").replace("&amp;", "&").trim();
    int line = text.indexOf('\n');
    if (line >= 0) {
      text = text.substring(0, line).trim();
    }
    if (text.length() > 300) {
      text = text.substring(0, 300) + "…";
    }
    // Storage never echoes a signature, but a message that did must not carry it into logs or exceptions.
    text = text.replaceAll("sig=[^&\\s]*", "sig=***");
    return text.isEmpty() ? "" : ": " + text;
  }

  private static String md5(byte[] body, int length) {
    try {
      MessageDigest md5 = MessageDigest.getInstance("MD5");
      md5.update(body, 0, length);
      return Base64Codec.encode(md5.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("MD5 is not available", e);
    }
  }

}
