// The organisation's device-management server as the emulator's API shows it (docs/protocol.md §14.5): manage state,
// diagnostics, and requests the platform initiates.
package io.rxiothub.emulator.watson;

import io.reactivex.rxjava3.annotations.CheckReturnValue;
import io.reactivex.rxjava3.core.Single;
import io.rxiothub.emulator.watson.internal.DmServer;
import io.rxiothub.emulator.watson.internal.FirmwareFlows;
import io.rxiothub.watson.DmMessage;
import io.rxiothub.watson.DmOperation;
import io.rxiothub.watson.Firmware;
import io.rxiothub.watson.ManageRequest;
import java.time.Duration;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Device management of one {@link WatsonEmulator} organisation ({@code org.deviceManagement()}): what managed
 * devices told the platform, and the requests the platform sends them. Thread-safe.
 */
public final class DeviceManagement {

  private final DmServer dm;
  private final FirmwareFlows firmware;

  DeviceManagement(DmServer dm) {
    this.dm = dm;
    this.firmware = new FirmwareFlows(dm);
  }

  /**
   * Sends a device-management request of the platform (reboot, factory reset, firmware, attribute update, observe,
   * cancel) to device {@code typeId/deviceId} and returns its response (cold). The request expires after
   * {@code expiry}: the Single then fails with {@link java.util.concurrent.TimeoutException}, and a later response
   * is only recorded ({@link #lateResponses()}).
   *
   * @throws IllegalArgumentException if {@code op} is one a device sends, or {@code expiry} is null
   */
  @CheckReturnValue
  public Single<DmMessage> initiate(String typeId, String deviceId, DmOperation op, @Nullable String dataJson,
      Duration expiry) {
    if (op == null || op.toPlatform()) {
      throw new IllegalArgumentException("op must be an operation the platform sends");
    }
    if (expiry == null) {
      throw new IllegalArgumentException("expiry must not be null");
    }
    return Single.defer(() -> Single.fromCompletionStage(dm.initiate(typeId, deviceId, op, dataJson,
        expiry.toMillis())));
  }

  /**
   * Returns a cold Single that runs the platform's firmware download for the device (protocol.md §14.10):
   * device/update of {@code mgmt.firmware} with {@code firmware}'s version, name, uri and verifier (answered 204),
   * observe (200), download (202), the device's notifies until state 2 (downloaded) or state 0 with a failure
   * status, and cancel (200); emits the device's {@code mgmt.firmware} at the end. Each step and the wait for the
   * end take at most {@code expiry}. Fails with {@link IllegalStateException} naming the step and rc when the device
   * answers another rc, or when it is not managed with {@code supports.firmwareActions} (nothing is sent then), and
   * with {@link java.util.concurrent.TimeoutException} when a step expires.
   *
   * @throws IllegalArgumentException if an argument is null
   */
  @CheckReturnValue
  public Single<Firmware> firmwareDownload(String typeId, String deviceId, Firmware firmware, Duration expiry) {
    if (firmware == null) {
      throw new IllegalArgumentException("firmware must not be null");
    }
    if (expiry == null) {
      throw new IllegalArgumentException("expiry must not be null");
    }
    return Single.defer(() -> Single.fromCompletionStage(this.firmware.download(typeId, deviceId, firmware,
        expiry.toMillis()))).onErrorResumeNext(DeviceManagement::unwrap);
  }

  /**
   * Returns a cold Single that runs the platform's firmware update for the device: observe (200), update (202), the
   * device's notifies until update status 0 (success; the device's {@code deviceInfo.fwVersion} becomes the
   * firmware's version) or a failure status, and cancel (200); emits the device's {@code mgmt.firmware} at the end.
   * Fails as {@link #firmwareDownload} does.
   *
   * @throws IllegalArgumentException if {@code expiry} is null
   */
  @CheckReturnValue
  public Single<Firmware> firmwareUpdate(String typeId, String deviceId, Duration expiry) {
    if (expiry == null) {
      throw new IllegalArgumentException("expiry must not be null");
    }
    return Single.defer(() -> Single.fromCompletionStage(firmware.update(typeId, deviceId, expiry.toMillis())))
        .onErrorResumeNext(DeviceManagement::unwrap);
  }

  /** The failure a step of a chain of futures carries, not its CompletionException wrapper. */
  private static <T> Single<T> unwrap(Throwable e) {
    return Single.error(e instanceof java.util.concurrent.CompletionException && e.getCause() != null
        ? e.getCause() : e);
  }

  /** Returns the device's {@code mgmt.firmware} as the platform last set it or the device notified it. */
  public Firmware firmware(String typeId, String deviceId) {
    return dm.firmware(typeId, deviceId);
  }

  /** Returns whether the device is managed (it sent manage, not unmanage, and its lifetime has not run out). */
  public boolean isManaged(String typeId, String deviceId) {
    return dm.isManaged(typeId, deviceId);
  }

  /** Returns the device's manage state (lifetime, actions, deviceInfo, metadata), or null if it never managed. */
  public @Nullable ManageRequest manageRequest(String typeId, String deviceId) {
    return dm.manageRequest(typeId, deviceId);
  }

  /** Returns how many manage requests the device sent (a reboot completes with the next one). */
  public int manageCount(String typeId, String deviceId) {
    return dm.manageCount(typeId, deviceId);
  }

  /** Returns the device's last location update ({@code d} as JSON), or null. */
  public @Nullable String location(String typeId, String deviceId) {
    return dm.location(typeId, deviceId);
  }

  /** Returns the device's diagnostic error codes ({@code d} as JSON each). */
  public List<String> errorCodes(String typeId, String deviceId) {
    return dm.errorCodes(typeId, deviceId);
  }

  /** Returns the device's diagnostic log entries ({@code d} as JSON each). */
  public List<String> logs(String typeId, String deviceId) {
    return dm.logs(typeId, deviceId);
  }

  /** Returns the DM responses that came after their request expired, or with an unknown reqId. */
  public List<DmMessage> lateResponses() {
    return dm.lateResponses();
  }

  @Override
  public String toString() {
    return "DeviceManagement{" + dm + "}";
  }
}
