// The platform's side of the firmware actions (protocol.md §14.10): the steps of a download and of an update in
// RTD-DM's order, each waiting for its rc, then the notify that ends the action, then cancel.
package io.rxiothub.emulator.watson.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.rxiothub.watson.DmFields;
import io.rxiothub.watson.DmMessage;
import io.rxiothub.watson.DmOperation;
import io.rxiothub.watson.Firmware;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;

/** Firmware download and update as the platform drives them. Stateless; the state is the DmServer's. */
public final class FirmwareFlows {

  private static final ObjectMapper JSON = new ObjectMapper();
  // Both as objects {"field": …}: IBM-J-old's observe and cancel handlers read nothing else (protocol.md §14.10).
  private static final String OBSERVE_D = "{\"fields\":[{\"field\":\"" + Firmware.FIELD + "\"}]}";
  private static final String CANCEL_D = "{\"data\":[{\"field\":\"" + Firmware.FIELD + "\"}]}";

  private final DmServer dm;

  /** Creates the flows of {@code dm}'s organisation. */
  public FirmwareFlows(DmServer dm) {
    this.dm = dm;
  }

  /**
   * Tells the device what to download (device/update, 204), observes mgmt.firmware (200), starts the download (202),
   * waits for the notify with state 2 (or state 0 and a failure status), cancels the observation (200) and returns
   * the device's mgmt.firmware then. Each step and the wait take at most {@code timeoutMillis}.
   */
  public CompletableFuture<Firmware> download(String typeId, String deviceId, Firmware target, long timeoutMillis) {
    String key = WatsonRegistry.key(typeId, deviceId);
    String d = DmFields.fields(Map.of(Firmware.FIELD, target.toBuilder().state(Firmware.STATE_IDLE)
        .updateStatus(Firmware.UPDATE_SUCCESS).build().toValueJson()));
    return requireFirmwareActions(key).thenCompose(x -> step(typeId, deviceId, DmOperation.DEVICE_UPDATE, d,
            DmMessage.RC_CHANGED, timeoutMillis))
        .thenRun(() -> dm.firmware(key, dm.firmware(typeId, deviceId).toBuilder().version(target.version())
            .name(target.name()).uri(target.uri()).verifier(target.verifier()).build()))
        .thenCompose(x -> act(typeId, deviceId, DmOperation.FIRMWARE_DOWNLOAD,
            f -> f.state() == Firmware.STATE_DOWNLOADED || f.state() == Firmware.STATE_IDLE && failed(f),
            timeoutMillis));
  }

  /**
   * Observes mgmt.firmware (200), starts the update (202), waits for the notify with update status 0 (or a failure),
   * cancels the observation (200) and returns the device's mgmt.firmware then; after a success the device's
   * {@code deviceInfo.fwVersion} is the firmware's version.
   */
  public CompletableFuture<Firmware> update(String typeId, String deviceId, long timeoutMillis) {
    String key = WatsonRegistry.key(typeId, deviceId);
    return requireFirmwareActions(key).thenCompose(x -> act(typeId, deviceId, DmOperation.FIRMWARE_UPDATE,
            f -> f.updateStatus() == Firmware.UPDATE_SUCCESS || failed(f), timeoutMillis))
        .thenApply(f -> {
          if (f.updateStatus() == Firmware.UPDATE_SUCCESS && f.version() != null) {
            dm.firmwareVersion(key, f.version());
          }
          return f;
        });
  }

  private static boolean failed(Firmware f) {
    return f.updateStatus() >= Firmware.UPDATE_OUT_OF_MEMORY;
  }

  private CompletableFuture<Void> requireFirmwareActions(String key) {
    if (!dm.firmwareActions(key)) {
      return CompletableFuture.failedFuture(new IllegalStateException("device " + key + " is not managed with"
          + " supports.firmwareActions true: the platform sends it no firmware action"));
    }
    return CompletableFuture.completedFuture(null);
  }

  /** Observe, initiate {@code op}, wait for the notify {@code until} accepts, cancel. */
  private CompletableFuture<Firmware> act(String typeId, String deviceId, DmOperation op, Predicate<Firmware> until,
      long timeoutMillis) {
    String key = WatsonRegistry.key(typeId, deviceId);
    AtomicReference<CompletableFuture<Firmware>> end = new AtomicReference<>();
    return step(typeId, deviceId, DmOperation.OBSERVE, OBSERVE_D, DmMessage.RC_OK, timeoutMillis)
        .thenRun(() -> {
          dm.observed(key, Firmware.FIELD, true);
          end.set(dm.awaitFirmware(key, until));
        })
        .thenCompose(x -> step(typeId, deviceId, op, null, DmMessage.RC_ACCEPTED, timeoutMillis))
        .whenComplete((x, e) -> {
          if (e != null && end.get() != null) {
            end.get().cancel(false);
          }
        })
        .thenCompose(x -> end.get().orTimeout(timeoutMillis, TimeUnit.MILLISECONDS))
        .thenCompose(f -> step(typeId, deviceId, DmOperation.CANCEL, CANCEL_D, DmMessage.RC_OK, timeoutMillis)
            .thenApply(r -> {
              dm.observed(key, Firmware.FIELD, false);
              return f;
            }));
  }

  private CompletableFuture<DmMessage> step(String typeId, String deviceId, DmOperation op, @Nullable String d,
      int expected, long timeoutMillis) {
    return dm.initiate(typeId, deviceId, op, d, timeoutMillis).thenApply(r -> {
      if (r.rc() != expected) {
        throw new CompletionException(new IllegalStateException(op.suffix() + " for " + typeId + "/" + deviceId
            + " was answered rc " + r.rc() + (r.message() == null ? "" : " (" + r.message() + ")") + ", not "
            + expected));
      }
      return r;
    });
  }

  /** Returns {@code deviceInfo} (JSON object or null) with {@code fwVersion} set. */
  static String withFwVersion(@Nullable String deviceInfo, String version) {
    try {
      ObjectNode info = deviceInfo == null ? JSON.createObjectNode() : (ObjectNode) JSON.readTree(deviceInfo);
      info.put("fwVersion", version);
      return JSON.writeValueAsString(info);
    } catch (com.fasterxml.jackson.core.JsonProcessingException | ClassCastException e) {
      throw new IllegalStateException("deviceInfo is not a JSON object: " + e.getMessage(), e);
    }
  }
}
