// Progress of one file upload: bytes sent of the total.
package io.rxiothub.device;

import org.jspecify.annotations.Nullable;

/** Bytes of a file upload that storage has acknowledged, of the total (-1 when the length is unknown). */
public final class UploadProgress {

  private final String blobName;
  private final long bytesSent;
  private final long totalBytes;

  private UploadProgress(String blobName, long bytesSent, long totalBytes) {
    this.blobName = blobName;
    this.bytesSent = bytesSent;
    this.totalBytes = totalBytes;
  }

  /**
   * A progress value.
   *
   * @throws IllegalArgumentException if the blob name is null, bytesSent is negative, or totalBytes is below -1 or
   *     (when known) below bytesSent
   */
  public static UploadProgress of(String blobName, long bytesSent, long totalBytes) {
    if (blobName == null) {
      throw new IllegalArgumentException("blobName must not be null");
    }
    if (bytesSent < 0) {
      throw new IllegalArgumentException("bytesSent must not be negative, got " + bytesSent);
    }
    if (totalBytes < -1 || (totalBytes >= 0 && totalBytes < bytesSent)) {
      throw new IllegalArgumentException("totalBytes must be -1 (unknown) or at least bytesSent, got " + totalBytes);
    }
    return new UploadProgress(blobName, bytesSent, totalBytes);
  }

  /** The blob name as the hub gave it ({@code {deviceId}/…}). */
  public String blobName() {
    return blobName;
  }

  /** Bytes acknowledged by storage so far. */
  public long bytesSent() {
    return bytesSent;
  }

  /** The content's length, or -1 when unknown (a stream or publisher source). */
  public long totalBytes() {
    return totalBytes;
  }

  /** The fraction sent, 0..1, or -1 when the total is unknown. */
  public double fraction() {
    return totalBytes < 0 ? -1 : totalBytes == 0 ? 1 : (double) bytesSent / totalBytes;
  }

  @Override
  public boolean equals(@Nullable Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof UploadProgress)) {
      return false;
    }
    UploadProgress other = (UploadProgress) o;
    return bytesSent == other.bytesSent && totalBytes == other.totalBytes && blobName.equals(other.blobName);
  }

  @Override
  public int hashCode() {
    return (blobName.hashCode() * 31 + (int) (bytesSent ^ (bytesSent >>> 32))) * 31
        + (int) (totalBytes ^ (totalBytes >>> 32));
  }

  @Override
  public String toString() {
    return "UploadProgress{" + blobName + ", " + bytesSent + (totalBytes < 0 ? "" : " of " + totalBytes)
        + " bytes}";
  }
}
