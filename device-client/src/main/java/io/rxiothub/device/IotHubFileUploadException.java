// A file upload that failed at the hub, at storage, or reading its source.
package io.rxiothub.device;

import org.jspecify.annotations.Nullable;

/**
 * A file upload failed. {@link #stage()} says where; {@link #status()} is the HTTP status of the hub or storage,
 * or 0 when there was none (an I/O error, the source failed). Retryable for 408, 429, 5xx and I/O errors at the
 * hub or storage, but not for a TLS failure (an untrusted certificate stays untrusted). Messages never contain the
 * SAS.
 */
public class IotHubFileUploadException extends IotHubException {

  private static final long serialVersionUID = 1L;

  /** Where an upload failed. */
  public enum Stage {
    /** Asking the hub for the SAS URI. */
    SAS_URI,
    /** Reading the content to upload. */
    SOURCE,
    /** Sending the content to storage. */
    STORAGE,
    /** Notifying the hub of the end. */
    NOTIFICATION
  }

  private final Stage stage;
  private final int status;

  /** Creates the exception. */
  public IotHubFileUploadException(Stage stage, int status, String message, @Nullable Throwable cause) {
    super(message, cause);
    if (stage == null) {
      throw new IllegalArgumentException("stage must not be null");
    }
    this.stage = stage;
    this.status = status;
  }

  /** Where the upload failed. */
  public Stage stage() {
    return stage;
  }

  /** The HTTP status, or 0 when there was none. */
  public int status() {
    return status;
  }

  @Override
  public boolean isRetryable() {
    if (stage == Stage.SOURCE) {
      return false;
    }
    Throwable cause = getCause();
    return status == 0 ? cause instanceof java.io.IOException && !(cause instanceof javax.net.ssl.SSLException)
        : status == 408 || status == 429 || (status >= 500 && status < 600);
  }
}
