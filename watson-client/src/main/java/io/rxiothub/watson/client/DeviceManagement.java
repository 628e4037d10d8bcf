// A client's side of device management (docs/protocol.md §14.5): manage/unmanage, location, diagnostics, and the
// platform's requests with their answers.
package io.rxiothub.watson.client;

import io.reactivex.rxjava3.annotations.CheckReturnValue;
import io.reactivex.rxjava3.core.Completable;
import io.reactivex.rxjava3.core.Flowable;
import io.reactivex.rxjava3.core.Single;
import io.rxiothub.watson.ClientId;
import io.rxiothub.watson.DmMessage;
import io.rxiothub.watson.DmOperation;
import io.rxiothub.watson.Firmware;
import io.rxiothub.watson.ManageRequest;
import io.rxiothub.watson.WatsonIds;
import io.rxiothub.watson.client.internal.DmAgent;
import io.rxiothub.watson.client.internal.FirmwareAgent;
import io.rxiothub.watson.client.internal.Remanager;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * The device management of a {@link GatewayClient} ({@code gateway.management()}: requests about the gateway itself
 * or a device behind it) or of a {@link WatsonDeviceClient} ({@code device.management()}: about the device itself,
 * whose type and id the methods then require), each answered by the platform with an {@code rc}, and the platform's
 * own requests. Every operation is cold. Thread-safe.
 */
public final class DeviceManagement {

  private final DmAgent dm;
  private final Remanager remanager;
  private final @Nullable ClientId own;

  DeviceManagement(DmAgent dm, Remanager remanager, @Nullable ClientId own) {
    this.dm = dm;
    this.remanager = remanager;
    this.own = own;
  }

  /** Checks the ids; a plain device manages only itself. */
  private void requireDevice(String typeId, String deviceId) {
    WatsonIds.requireId("typeId", typeId);
    WatsonIds.requireId("deviceId", deviceId);
    ClientId device = own;
    if (device != null && (!typeId.equals(device.typeId()) || !deviceId.equals(device.deviceId()))) {
      throw new IllegalArgumentException("a device manages only itself: typeId/deviceId must be "
          + device.typeId() + "/" + device.deviceId() + ", was " + typeId + "/" + deviceId);
    }
  }

  /**
   * Returns a cold Single that makes device {@code typeId}/{@code deviceId} (the gateway itself or a device behind
   * it) a managed device and emits the platform's {@code rc} (200 on success). It publishes once the response
   * subscription is active on the current connection, and fails with a {@code TIMEOUT} {@link WatsonException} if
   * no response arrives within the DM time-out.
   *
   * @param lifetimeSeconds 0 (never dormant) or at least 3600; once accepted, manage is sent again at 90 % of
   *     it until unmanage
   * @throws IllegalArgumentException if an id breaks its rule or {@code lifetimeSeconds} is out of range
   */
  @CheckReturnValue
  public Single<Integer> manage(String typeId, String deviceId, long lifetimeSeconds, boolean deviceActions,
      boolean firmwareActions) {
    requireDevice(typeId, deviceId);
    String d = ManageRequest.builder().lifetimeSeconds(lifetimeSeconds).deviceActions(deviceActions)
        .firmwareActions(firmwareActions).build().toDataJson();
    // accepted with a lifetime: sent again at 90 % of it until unmanage (protocol.md §14.8)
    return rc(typeId, deviceId, DmOperation.MANAGE, d).doOnSuccess(rc -> remanager.managed(typeId + "/" + deviceId,
        rc == 200 ? lifetimeSeconds : 0, () -> rc(typeId, deviceId, DmOperation.MANAGE, d)));
  }

  /** Returns a cold Single that unmanages the device and emits the platform's {@code rc}; see {@link #manage}. */
  @CheckReturnValue
  public Single<Integer> unmanage(String typeId, String deviceId) {
    return rc(typeId, deviceId, DmOperation.UNMANAGE, null)
        .doOnSubscribe(s -> remanager.cancel(typeId + "/" + deviceId));
  }

  /** Returns a cold Single that updates the device's location and emits the platform's {@code rc}. */
  @CheckReturnValue
  public Single<Integer> updateLocation(String typeId, String deviceId, double latitude, double longitude) {
    if (Double.isNaN(latitude) || latitude < -90 || latitude > 90) {
      throw new IllegalArgumentException("latitude must be -90 to 90, was " + latitude);
    }
    if (Double.isNaN(longitude) || longitude < -180 || longitude > 180) {
      throw new IllegalArgumentException("longitude must be -180 to 180, was " + longitude);
    }
    return rc(typeId, deviceId, DmOperation.UPDATE_LOCATION,
        "{\"latitude\":" + latitude + ",\"longitude\":" + longitude + "}");
  }

  /**
   * Returns a cold Single that adds a diagnostic log entry ({@code severity} 0 info, 1 warning, 2 error) and emits
   * the platform's {@code rc}.
   */
  @CheckReturnValue
  public Single<Integer> addLog(String typeId, String deviceId, String message, int severity) {
    if (message == null) {
      throw new IllegalArgumentException("message must not be null");
    }
    if (severity < 0 || severity > 2) {
      throw new IllegalArgumentException("severity must be 0 (info), 1 (warning) or 2 (error)");
    }
    return rc(typeId, deviceId, DmOperation.ADD_LOG,
        "{\"message\":" + DmAgent.quote(message) + ",\"severity\":" + severity + "}");
  }

  /** Returns a cold Single that adds a diagnostic error code and emits the platform's {@code rc}. */
  @CheckReturnValue
  public Single<Integer> addErrorCode(String typeId, String deviceId, long errorCode) {
    return rc(typeId, deviceId, DmOperation.ADD_ERROR_CODE, "{\"errorCode\":" + errorCode + "}");
  }

  private Single<Integer> rc(String typeId, String deviceId, DmOperation op, @Nullable String data) {
    requireDevice(typeId, deviceId);
    return dm.request(typeId, deviceId, op, data).map(DmMessage::rc);
  }

  /**
   * Returns the hot stream of the platform's device-management requests (reboot, factory reset, firmware, attribute
   * update, observe, cancel) for the gateway and every device behind it; each operation's filter is subscribed on
   * the first subscriber and after every reconnect. Answer each with {@link #respond}. Malformed requests are logged
   * and skipped.
   */
  @CheckReturnValue
  public Flowable<PlatformRequest> platformRequests() {
    return dm.platformRequests();
  }

  /**
   * Returns a cold Completable that answers {@code request} with {@code rc} (e.g. 202 for a reboot that starts now,
   * 500 failed, 501 not supported) and an optional {@code message}; completes on PUBACK, or at once for a request
   * that wants no response.
   *
   * @throws IllegalArgumentException if {@code request} is null
   */
  @CheckReturnValue
  public Completable respond(PlatformRequest request, int rc, @Nullable String message) {
    if (request == null) {
      throw new IllegalArgumentException("request must not be null");
    }
    return dm.respond(request, rc, message);
  }

  /**
   * Returns a cold Completable that, while subscribed, plays device {@code typeId}/{@code deviceId}'s side of the
   * firmware actions (protocol.md §14.10): it keeps {@code mgmt.firmware}, answers device/update of it (204),
   * observe and cancel of it (200), a download (202 when idle with an absolute URI, else 400) and an update (202
   * when downloaded, else 400), runs {@code download} or {@code update} with the firmware to fetch or install, and
   * notifies the platform of each state while they run. A function that is null answers its action 501. A failed
   * Completable sets {@code updateStatus} from its {@link FirmwareException} (else 3 for a download, 2 for an
   * update). Manage the device with {@code firmwareActions} true. Requests that are not firmware steps are left to
   * {@link #platformRequests()} subscribers, which see firmware steps too and should not answer them. Disposing
   * stops the handling and cancels a running download or update, reported failed as above (3 or 2); a flow whose
   * action was accepted while observed is still seen through: its last notify is sent and the platform's closing
   * cancel answered (200), whichever comes first, the disposal or the action's end; then, or after the DM time-out,
   * the handler lets go, and the client's {@code disconnect()} waits for that.
   *
   * @throws IllegalArgumentException if an id breaks its rule
   */
  @CheckReturnValue
  public Completable handleFirmware(String typeId, String deviceId,
      @Nullable Function<Firmware, Completable> download, @Nullable Function<Firmware, Completable> update) {
    requireDevice(typeId, deviceId);
    return Completable.defer(() -> new FirmwareAgent(dm, typeId, deviceId, download, update)
        .handling(dm.platformRequests()));
  }

  /** Cold: completes once every disposed firmware handler has sent the answers it still owes (bounded). */
  Completable owedAnswers() {
    return dm.owedAnswers();
  }

  void close() {
    remanager.close();
    dm.close();
  }

  @Override
  public String toString() {
    return "DeviceManagement{" + remanager.count() + " re-managed}";
  }
}
