// The emulator's file upload face as tests and tools see it: notifications, blobs, which storage the hub uses.
package io.rxiothub.emulator.files;

import io.reactivex.rxjava3.annotations.CheckReturnValue;
import io.reactivex.rxjava3.core.Flowable;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * File upload on the emulator (docs/protocol.md §16): devices ask {@code POST /devices/{id}/files} for a blob SAS
 * URI, upload to storage, and tell {@code POST /devices/{id}/files/notifications} how it went. By default the hub
 * hands out URIs of its built-in storage face (served on its HTTPS port under {@code /emulatorstorage/}); after
 * {@link #useStorage(StorageAccount)} it signs URIs of that account instead (Azurite, or Azure). Thread-safe.
 */
public interface FileUploads {

  /** The account name of the built-in storage face, the first path segment of its URIs. */
  String STORAGE_ACCOUNT = "emulatorstorage";

  /** The container the built-in storage face keeps uploads in. */
  String DEFAULT_CONTAINER = "fileuploads";

  /** How many SAS URIs a device may hold that are neither notified nor expired (IoT Hub's limit). */
  int MAX_CONCURRENT_UPLOADS = 10;

  /**
   * The hot stream of completion notifications from now on, successful or not (the real hub forwards only the
   * successful ones to the back end: see {@link FileUploadNotification#success()}). Each subscriber gets an
   * unbounded buffer; signals arrive on the emulator's HTTP worker threads.
   */
  @CheckReturnValue
  Flowable<FileUploadNotification> notifications();

  /** The notifications of a device and its modules so far, oldest first (the newest 1000 are kept). */
  List<FileUploadNotification> notifications(String deviceId);

  /**
   * The content of a blob of the built-in storage face (committed by Put Blob or Put Block List), e.g.
   * {@code blob("dev1/photo.jpg")} in the default container; empty if there is none.
   */
  Optional<byte[]> blob(String blobName);

  /** The blob names of the built-in storage face's default container, sorted. */
  List<String> blobNames();

  /** Hands out SAS URIs of {@code account} from now on (SAS URIs already handed out stay valid where they are). */
  void useStorage(StorageAccount account);

  /** Hands out SAS URIs of the built-in storage face again (the default). */
  void useBuiltInStorage();

  /** How long a SAS URI handed out from now on is valid (default 1 hour; 1 second to 24 hours). */
  void sasTimeToLive(Duration timeToLive);

  /** How many SAS URIs a device (or one of its modules) holds that are neither notified nor expired. */
  int activeUploads(String deviceId);

  /**
   * Fault: the built-in storage face answers its next {@code count} requests with {@code status} (500 InternalError,
   * 503 ServerBusy, 403, 404, ...) in storage's XML error shape. 0 clears.
   *
   * @throws IllegalArgumentException if the status is not in 400..599 or the count is negative
   */
  void failStorage(int status, int count);

  /**
   * Fault: the built-in storage face resets the connection (TCP RST) halfway through the body of its next
   * {@code count} Put Blob or Put Block requests, as a network that drops mid-block does; the device sees an I/O
   * error and may send the block again. 0 clears.
   *
   * @throws IllegalArgumentException if the count is negative
   */
  void cutStorageUploads(int count);

  /** How many storage uploads {@link #cutStorageUploads(int)} cut since the emulator was built. */
  int storageUploadsCut();

  /**
   * Fault: the hub's file endpoints (SAS URI and notification) answer their next {@code count} requests with
   * {@code status} (429 ThrottlingException, 500, 503, ...) in the hub's JSON error shape. 0 clears.
   *
   * @throws IllegalArgumentException if the status is not in 400..599 or the count is negative
   */
  void failHubRequests(int status, int count);
}
