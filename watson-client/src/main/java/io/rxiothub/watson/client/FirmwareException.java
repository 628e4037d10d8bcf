// A failed firmware download or update, with the mgmt.firmware.updateStatus to report (docs/protocol.md §14.10).
package io.rxiothub.watson.client;

import io.rxiothub.watson.Firmware;

/**
 * Fails the Completable of a firmware download or update given to {@code DeviceManagement.handleFirmware}: the
 * client reports {@link #updateStatus()} (e.g. {@link Firmware#UPDATE_VERIFICATION_FAILED}) in
 * {@code mgmt.firmware}. Any other error reports 3 (connection lost) for a download, 2 (out of memory) for an update.
 */
public final class FirmwareException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final int updateStatus;

  /**
   * Creates the failure.
   *
   * @param updateStatus one of the failure statuses, {@link Firmware#UPDATE_OUT_OF_MEMORY} to
   *     {@link Firmware#UPDATE_INVALID_URI}
   * @throws IllegalArgumentException if {@code updateStatus} is not a failure status
   */
  public FirmwareException(int updateStatus, String message) {
    super(message);
    if (updateStatus < Firmware.UPDATE_OUT_OF_MEMORY || updateStatus > Firmware.UPDATE_INVALID_URI) {
      throw new IllegalArgumentException("updateStatus must be a failure status, 2 to 6, was " + updateStatus);
    }
    this.updateStatus = updateStatus;
  }

  /** Returns the {@code mgmt.firmware.updateStatus} to report. */
  public int updateStatus() {
    return updateStatus;
  }
}
