// File upload through the hub (protocol.md §16): a SAS URI from the hub, blocks to Blob storage, a notification.
package io.rxiothub.device;

import io.reactivex.rxjava3.annotations.CheckReturnValue;
import io.reactivex.rxjava3.core.Completable;
import io.reactivex.rxjava3.core.Flowable;
import io.reactivex.rxjava3.core.Single;
import java.io.File;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.concurrent.Callable;
import org.reactivestreams.Publisher;

/**
 * Uploads files to the Blob storage linked to the hub, over HTTPS beside the MQTT connection (which need not be
 * open): the client asks the hub for a SAS URI of the blob {@code {deviceId}/{blobName}}, sends the content to
 * storage, and tells the hub how it went, which then notifies the back end.
 *
 * <p>{@code upload} streams: it holds at most two blocks in memory (4 MiB each by default, see the builder's
 * {@code fileUploadBlockSize}), whatever the file's size. Content that fits in one block goes in one Put Blob;
 * larger content goes block by block (Put Block, two at once on two connections) and is committed with Put Block
 * List. A block that fails with an
 * I/O error, a time-out, 408, 429 or 5xx is sent again, up to 4 attempts with exponential backoff (0.5 s to 8 s);
 * other failures end the upload. Whatever the outcome after the hub handed out the SAS URI — success, failure or
 * dispose — the hub is notified, so its slot (at most 10 uploads in progress per device) is released.
 *
 * <p>Threads: the HTTPS exchanges block, on the builder's {@code fileUploadScheduler} (RxJava's {@code io()} by
 * default; one thread per upload in progress, and a second while a multi-block upload sends its blocks); signals
 * reach the subscriber on the client's callback scheduler. The SAS never appears in logs, exceptions or
 * {@code toString}.
 *
 * <p>Blob names: 1 to 1024 characters with the hub's {@code {deviceId}/} prefix, {@code /} separating at most 254
 * non-empty segments, not ending with {@code .} or {@code /}, no control characters and no {@code \}. A name
 * breaking a rule throws {@link IllegalArgumentException} at once.
 */
public interface FileUploads {

  /**
   * Returns a cold {@code Flowable} that uploads {@code file} as {@code blobName} and emits the progress after each
   * block (bytes sent of the file's length), then completes once the hub took the success notification. Each
   * subscription is one upload; disposing aborts it and notifies the hub of the failure.
   *
   * <p>Errors: {@link IotHubFileUploadException} (the hub or storage refused, or gave up retrying; its
   * {@code stage()} says which step), {@link java.io.FileNotFoundException} wrapped in it when the file cannot be
   * read. Backpressure: the latest progress is kept when the subscriber is slow.
   *
   * @throws IllegalArgumentException if the blob name breaks a rule or the file is null
   */
  @CheckReturnValue
  Flowable<UploadProgress> upload(String blobName, File file);

  /**
   * As {@link #upload(String, File)} from a stream opened by {@code source} for each subscription (and closed by
   * the upload), of unknown length: progress reports a total of -1.
   */
  @CheckReturnValue
  Flowable<UploadProgress> upload(String blobName, Callable<? extends InputStream> source);

  /**
   * As {@link #upload(String, File)} from the buffers of {@code source}, requested one at a time as blocks fill
   * (memory: two blocks plus one buffer), of unknown length: progress reports a total of -1. Each subscription
   * subscribes to {@code source} once; an error of {@code source} fails the upload (and notifies the hub).
   */
  @CheckReturnValue
  Flowable<UploadProgress> upload(String blobName, Publisher<ByteBuffer> source);

  /**
   * Returns a cold {@code Single} that asks the hub for a SAS URI of the blob {@code {deviceId}/{blobName}}, for
   * uploading with a storage client of your own; tell the hub how it went with
   * {@link #notify(BlobSasUri, boolean, int, String)}. The hub holds a slot until then (or until the SAS expires,
   * 1 hour by default).
   *
   * <p>Errors: {@link IotHubFileUploadException} with the hub's status (403 with 10 uploads in progress, 401, 429,
   * 5xx), retryable for 429 and 5xx.
   *
   * @throws IllegalArgumentException if the blob name breaks a rule
   */
  @CheckReturnValue
  Single<BlobSasUri> sasUri(String blobName);

  /**
   * Returns a cold {@code Completable} that tells the hub the end of the upload of {@code sasUri}: success, the
   * storage status code and a description. Completes when the hub took it (204).
   *
   * @throws IllegalArgumentException if an argument is null
   */
  @CheckReturnValue
  Completable notify(BlobSasUri sasUri, boolean success, int statusCode, String statusDescription);
}
