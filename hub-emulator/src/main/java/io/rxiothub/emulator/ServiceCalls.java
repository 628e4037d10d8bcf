// The hub's service operations as the facade hands them out: the core's calls made cold, C2D entries as public
// messages.
package io.rxiothub.emulator;

import io.reactivex.rxjava3.core.Single;
import io.rxiothub.emulator.internal.C2dEntry;
import io.rxiothub.emulator.internal.HubCore;
import io.rxiothub.emulator.internal.Identity;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** Each call is cold: nothing reaches the core until subscription, and each subscription calls it once. */
final class ServiceCalls {

  private final HubCore core;

  ServiceCalls(HubCore core) {
    this.core = core;
  }

  /** Queues a copy of the payload and properties on each subscription; emits the queued message's handle. */
  Single<CloudToDeviceMessage> sendCloudToDevice(String deviceId, byte[] payload, Map<String, String> properties,
      Duration timeToLive) {
    byte[] body = payload.clone();
    Map<String, @Nullable String> props = new LinkedHashMap<>(properties);
    return Single.fromCallable(() -> {
      C2dEntry entry = core.sendCloudToDevice(deviceId, body, props, timeToLive);
      return new CloudToDeviceMessage(entry.messageId(), entry.deviceId(), entry.payload(), entry.properties(),
          entry.enqueuedTime(), entry.expiryTime(), entry::state, entry.states().hide());
    });
  }

  /** Merges a desired-properties patch; emits the new desired version. */
  Single<Long> updateDesired(Identity identity, String jsonPatch) {
    return Single.fromCallable(() -> core.updateDesired(identity, jsonPatch));
  }

  /** Merges a tags patch; emits the new twin version. */
  Single<Long> updateTags(Identity identity, String jsonPatch) {
    return Single.fromCallable(() -> core.updateTags(identity, jsonPatch));
  }

  /** Emits the twin as the service API shows it. */
  Single<String> twin(Identity identity) {
    return Single.fromCallable(() -> core.twin(identity));
  }
}
