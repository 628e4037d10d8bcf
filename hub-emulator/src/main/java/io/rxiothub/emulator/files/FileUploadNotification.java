// One device's completion notification of a file upload, as the emulator recorded it.
package io.rxiothub.emulator.files;

import java.time.Instant;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What a device reported at {@code POST /devices/{id}/files/notifications} (docs/protocol.md §16.1), with the blob
 * it concerns. The real hub forwards only successful uploads to the back end, as {@code {"deviceId","blobUri",
 * "blobName","lastUpdatedTime","blobSizeInBytes","enqueuedTimeUtc"}}. The blob URI carries no SAS.
 */
public final class FileUploadNotification {

  private final String deviceId;
  private final @Nullable String moduleId;
  private final String correlationId;
  private final String blobName;
  private final String blobUri;
  private final boolean success;
  private final int statusCode;
  private final String statusDescription;
  private final long blobSizeInBytes;
  private final Instant enqueuedTime;

  private FileUploadNotification(Builder b) {
    this.deviceId = Objects.requireNonNull(b.deviceId);
    this.moduleId = b.moduleId;
    this.correlationId = Objects.requireNonNull(b.correlationId);
    this.blobName = Objects.requireNonNull(b.blobName);
    this.blobUri = Objects.requireNonNull(b.blobUri);
    this.success = b.success;
    this.statusCode = b.statusCode;
    this.statusDescription = b.statusDescription;
    this.blobSizeInBytes = b.blobSizeInBytes;
    this.enqueuedTime = Objects.requireNonNull(b.enqueuedTime);
  }

  /** A builder; device id, correlation id, blob name, blob URI and enqueued time are required. */
  public static Builder builder() {
    return new Builder();
  }

  /** The device id. */
  public String deviceId() {
    return deviceId;
  }

  /** The module id, or null when a device uploaded. */
  public @Nullable String moduleId() {
    return moduleId;
  }

  /** The correlation id the hub handed out with the SAS URI. */
  public String correlationId() {
    return correlationId;
  }

  /** The blob name in the container, with the hub's {@code {deviceId}/} prefix. */
  public String blobName() {
    return blobName;
  }

  /** The blob's URI without a SAS. */
  public String blobUri() {
    return blobUri;
  }

  /** Whether the device reported success ({@code isSuccess}). */
  public boolean success() {
    return success;
  }

  /** The status code the device reported. */
  public int statusCode() {
    return statusCode;
  }

  /** The status description the device reported (empty when none). */
  public String statusDescription() {
    return statusDescription;
  }

  /** The committed blob's size on the built-in storage face, or -1 when unknown (external storage, no blob). */
  public long blobSizeInBytes() {
    return blobSizeInBytes;
  }

  /** When the hub took the notification. */
  public Instant enqueuedTime() {
    return enqueuedTime;
  }

  @Override
  public boolean equals(@Nullable Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof FileUploadNotification)) {
      return false;
    }
    FileUploadNotification other = (FileUploadNotification) o;
    return success == other.success && statusCode == other.statusCode && blobSizeInBytes == other.blobSizeInBytes
        && deviceId.equals(other.deviceId) && Objects.equals(moduleId, other.moduleId)
        && correlationId.equals(other.correlationId) && blobName.equals(other.blobName)
        && blobUri.equals(other.blobUri) && statusDescription.equals(other.statusDescription)
        && enqueuedTime.equals(other.enqueuedTime);
  }

  @Override
  public int hashCode() {
    return Objects.hash(deviceId, moduleId, correlationId, blobName, blobUri, success, statusCode,
        statusDescription, blobSizeInBytes, enqueuedTime);
  }

  @Override
  public String toString() {
    return "FileUploadNotification{" + deviceId + (moduleId == null ? "" : "/" + moduleId) + ", blob=" + blobName
        + ", success=" + success + ", status=" + statusCode + " '" + statusDescription + "', size="
        + blobSizeInBytes + ", correlationId=" + correlationId + ", enqueued=" + enqueuedTime + "}";
  }

  /** Builds a {@link FileUploadNotification}. */
  public static final class Builder {
    private @Nullable String deviceId;
    private @Nullable String moduleId;
    private @Nullable String correlationId;
    private @Nullable String blobName;
    private @Nullable String blobUri;
    private boolean success;
    private int statusCode;
    private String statusDescription = "";
    private long blobSizeInBytes = -1;
    private @Nullable Instant enqueuedTime;

    private Builder() {}

    /** The device id (required). */
    public Builder deviceId(String deviceId) {
      if (deviceId == null) {
        throw new IllegalArgumentException("deviceId must not be null");
      }
      this.deviceId = deviceId;
      return this;
    }

    /** The module id, or null for a device. */
    public Builder moduleId(@Nullable String moduleId) {
      this.moduleId = moduleId;
      return this;
    }

    /** The correlation id (required). */
    public Builder correlationId(String correlationId) {
      if (correlationId == null) {
        throw new IllegalArgumentException("correlationId must not be null");
      }
      this.correlationId = correlationId;
      return this;
    }

    /** The blob name (required). */
    public Builder blobName(String blobName) {
      if (blobName == null) {
        throw new IllegalArgumentException("blobName must not be null");
      }
      this.blobName = blobName;
      return this;
    }

    /** The blob URI without a SAS (required). */
    public Builder blobUri(String blobUri) {
      if (blobUri == null) {
        throw new IllegalArgumentException("blobUri must not be null");
      }
      this.blobUri = blobUri;
      return this;
    }

    /** Whether the upload succeeded. */
    public Builder success(boolean success) {
      this.success = success;
      return this;
    }

    /** The reported status code. */
    public Builder statusCode(int statusCode) {
      this.statusCode = statusCode;
      return this;
    }

    /** The reported status description. */
    public Builder statusDescription(String statusDescription) {
      if (statusDescription == null) {
        throw new IllegalArgumentException("statusDescription must not be null (use \"\")");
      }
      this.statusDescription = statusDescription;
      return this;
    }

    /** The blob's size, or -1 when unknown. */
    public Builder blobSizeInBytes(long blobSizeInBytes) {
      if (blobSizeInBytes < -1) {
        throw new IllegalArgumentException("blobSizeInBytes must be -1 (unknown) or more, got " + blobSizeInBytes);
      }
      this.blobSizeInBytes = blobSizeInBytes;
      return this;
    }

    /** When the hub took the notification (required). */
    public Builder enqueuedTime(Instant enqueuedTime) {
      if (enqueuedTime == null) {
        throw new IllegalArgumentException("enqueuedTime must not be null");
      }
      this.enqueuedTime = enqueuedTime;
      return this;
    }

    /** Builds the notification. @throws IllegalStateException if a required value is missing */
    public FileUploadNotification build() {
      if (deviceId == null || correlationId == null || blobName == null || blobUri == null
          || enqueuedTime == null) {
        throw new IllegalStateException("a FileUploadNotification needs deviceId, correlationId, blobName, blobUri"
            + " and enqueuedTime");
      }
      return new FileUploadNotification(this);
    }
  }
}
