// One file upload, run on an io() thread: SAS URI, Put Blob or Put Block per block (each retried; two blocks in flight
// at once, see the lanes below) and Put Block List, then the notification, which is sent whatever happened once the hub handed
// out the SAS URI.
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
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
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
  // Two lanes send Put Blocks at once, each with its own connection and block buffer: while one lane's block crosses
  // the wire and storage stores it, the other reads and hashes the next, so storage is never left waiting on the
  // device (one lane sent 0.87x the MB/s of the official storage client's single Put Blob through Azurite,
  // benchmarks/RESULTS.md §11.1). Memory: two blocks.

  private final FileUploadEngine engine;
  private final String blobName;
  private final Callable<BlockSource> sourceFactory;
  private final FlowableEmitter<UploadProgress> emitter;
  private final HttpsExchange http;
  private final CountDownLatch cancelled = new CountDownLatch(1);
  private volatile @Nullable BlockSource source;
  /** The second lane's exchange once it started, aborted with the first by cancel() and by a failing lane. */
  private volatile @Nullable HttpsExchange secondHttp;
  /** The first failure of a lane; the other lane stops at its next block. */
  private final AtomicReference<@Nullable RuntimeException> laneFailure = new AtomicReference<>();
  /** Guards reading the source and numbering its blocks, which the lanes take turns at. */
  private final Object reading = new Object();
  /** Blocks read so far (under reading): the index of the next one. */
  private int blocks;
  /** Bytes storage took so far (under progressLock, which also keeps the lanes' progress signals serial). */
  private long sent;
  private final Object progressLock = new Object();

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
    // The storage requests in progress are aborted; the notification below gets its own exchange.
    http.abort();
    HttpsExchange second = secondHttp;
    if (second != null) {
      second.abort();
    }
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
      int status = put(http, uri, headers, block, n, "Put Blob");
      progress(sas, n, total);
      return status;
    }
    blocks = 1;
    SecondLane lane = new SecondLane(s, sas, uri, total);
    engine.settings().blocking.scheduleDirect(lane);
    try {
      sendBlocks(http, s, block, n, 0, sas, uri, total);
    } catch (RuntimeException e) {
      stop(e, s);
    }
    lane.finish();
    RuntimeException failure = laneFailure.get();
    if (failure != null) {
      throw failure;
    }
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < blocks; i++) {
      ids.add(blockId(i));
    }
    StringBuilder xml = new StringBuilder("<?xml version=\"1.0\" encoding=\"utf-8\"?><BlockList>");
    for (String id : ids) {
      xml.append("<Latest>").append(id).append("</Latest>");
    }
    byte[] list = xml.append("</BlockList>").toString().getBytes(UTF_8);
    Map<String, String> headers = storageHeaders();
    headers.put("Content-Type", "application/xml");
    return put(http, uri + "&comp=blocklist", headers, list, list.length, "Put Block List");
  }

  /**
   * One lane: sends {@code block[0..n)} as block {@code index}, then reads and sends the next block the source has
   * until it ends, the upload is cancelled or the other lane failed.
   */
  private void sendBlocks(HttpsExchange exchange, BlockSource s, byte[] block, int n, int index, BlobSasUri sas,
      String uri, long total) {
    while (n > 0) {
      if (index >= MAX_BLOCKS) {
        throw new IotHubFileUploadException(Stage.SOURCE, 0, "the content of '" + sas.blobName() + "' is over"
            + " storage's 50,000 blocks of " + block.length + " bytes: raise fileUploadBlockSize", null);
      }
      Map<String, String> headers = storageHeaders();
      headers.put("Content-MD5", md5(block, n));
      put(exchange, uri + "&comp=block&blockid=" + io.rxiothub.sas.PercentEncoding.encode(blockId(index)), headers,
          block, n, "Put Block " + index);
      synchronized (progressLock) {
        sent += n;
        progress(sas, sent, total);
      }
      synchronized (reading) {
        if (laneFailure.get() != null) {
          return;
        }
        n = read(s, block, sas);
        index = n > 0 ? blocks++ : index;
      }
    }
  }

  private static String blockId(int index) {
    return Base64Codec.encode(String.format(Locale.ROOT, "block-%08d", index).getBytes(UTF_8));
  }

  /** Records a lane's failure (the first one wins) and stops the other lane: source closed, requests aborted. */
  private void stop(RuntimeException e, BlockSource s) {
    if (laneFailure.compareAndSet(null, e)) {
      s.close();
      http.abort();
      HttpsExchange second = secondHttp;
      if (second != null) {
        second.abort();
      }
    }
  }

  /**
   * The second lane, on the upload scheduler. The first lane claims it when it ends: a lane that has not started by
   * then never does (so a one-thread scheduler cannot deadlock, it just sends one block at a time).
   */
  private final class SecondLane implements Runnable {

    private final BlockSource source;
    private final BlobSasUri sas;
    private final String uri;
    private final long total;
    private final AtomicBoolean started = new AtomicBoolean();
    private final CountDownLatch done = new CountDownLatch(1);

    SecondLane(BlockSource source, BlobSasUri sas, String uri, long total) {
      this.source = source;
      this.sas = sas;
      this.uri = uri;
      this.total = total;
    }

    @Override
    public void run() {
      if (!started.compareAndSet(false, true)) {
        return;
      }
      try {
        HttpsExchange exchange = engine.exchange();
        secondHttp = exchange;
        if (isCancelled() || laneFailure.get() != null) {
          return;
        }
        byte[] block = new byte[engine.blockSize()];
        int n;
        int index;
        synchronized (reading) {
          if (laneFailure.get() != null) {
            return;
          }
          n = read(source, block, sas);
          index = n > 0 ? blocks++ : 0;
        }
        sendBlocks(exchange, source, block, n, index, sas, uri, total);
      } catch (RuntimeException e) {
        stop(e, source);
      } finally {
        done.countDown();
      }
    }

    /** Returns once this lane has ended or can no longer start. */
    void finish() {
      if (started.compareAndSet(false, true)) {
        return;
      }
      boolean interrupted = false;
      while (true) {
        try {
          done.await();
          break;
        } catch (InterruptedException e) {
          interrupted = true;
        }
      }
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
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
  private int put(HttpsExchange exchange, String uri, Map<String, String> headers, byte[] body, int length,
      String what) {
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
        HttpsExchange.Answer answer = exchange.send("PUT", uri, headers, body, length);
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
      if (!retryable || attempt >= settings.maxAttempts || isCancelled() || laneFailure.get() != null) {
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
