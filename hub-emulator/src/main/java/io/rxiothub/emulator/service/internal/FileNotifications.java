// The back end's file upload notifications (docs/service-api.md §16.1): each successful upload the file face reports
// becomes a record in a service-bound queue, read over the emulator-only /messages/serviceBound/filenotifications.
package io.rxiothub.emulator.service.internal;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.reactivex.rxjava3.core.Flowable;
import io.reactivex.rxjava3.disposables.Disposable;
import io.rxiothub.emulator.files.FileUploadNotification;
import io.rxiothub.emulator.internal.ServiceRecords;
import java.time.Clock;

/** Feeds a {@link ServiceBoundQueue} from the file upload face's notification stream until closed. */
final class FileNotifications implements AutoCloseable {

  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(FileNotifications.class);

  /** Records kept waiting (beyond, the oldest waiting one is dropped). */
  static final int CAPACITY = 10_000;

  private final ServiceBoundQueue queue;
  private final Disposable feed;

  /** Records kept in the data dir with {@code records} when the emulator has one. */
  FileNotifications(Flowable<FileUploadNotification> notifications, Clock clock, ServiceRecords records) {
    this.queue = QueueRecords.queue(records, ServiceRecords.FILE_NOTIFICATION, CAPACITY);
    this.feed = notifications.filter(FileUploadNotification::success)
        .subscribe(n -> {
          try {
            queue.offer(record(n), clock.instant());
          } catch (RuntimeException e) {
            LOG.warn("hub emulator: lost the file upload notification of {}: the data dir refused it ({})",
                n.blobName(), e.getMessage());
          }
        });
  }

  ServiceBoundQueue queue() {
    return queue;
  }

  /** A record as the SDKs parse it (azure-iot-sdk-java {@code FileUploadNotification}). */
  static ObjectNode record(FileUploadNotification n) {
    String time = Job.time(n.enqueuedTime());
    ObjectNode record = ServiceJson.JSON.createObjectNode().put("deviceId", n.deviceId());
    if (n.moduleId() != null) {
      record.put("moduleId", n.moduleId());
    }
    return record.put("blobUri", n.blobUri()).put("blobName", n.blobName()).put("lastUpdatedTime", time)
        .put("blobSizeInBytes", n.blobSizeInBytes()).put("enqueuedTimeUtc", time);
  }

  @Override
  public void close() {
    feed.dispose();
  }
}
