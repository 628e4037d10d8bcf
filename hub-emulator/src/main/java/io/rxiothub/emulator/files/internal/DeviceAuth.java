// The device HTTPS endpoints' authorization: the device's SAS token in Authorization, checked as MQTT CONNECT
// checks its password (docs/protocol.md §2, §16.3).
package io.rxiothub.emulator.files.internal;

import io.rxiothub.emulator.DeviceIdentity;
import io.rxiothub.emulator.internal.Identity;
import io.rxiothub.emulator.internal.RegistryStore;
import io.rxiothub.emulator.internal.SharedAccessPolicies;
import io.rxiothub.sas.SasToken;
import java.time.Instant;
import org.jspecify.annotations.Nullable;

/** Checks a device's token for one identity; messages name the rule, never the token, key or signature. */
final class DeviceAuth {

  private final RegistryStore registry;

  DeviceAuth(RegistryStore registry) {
    this.registry = registry;
  }

  /** @throws FileError 401 (no, bad, expired or foreign token; disabled identity) or 404 (unknown identity) */
  void check(@Nullable String authorization, Identity identity, Instant now) {
    if (authorization == null || authorization.isEmpty()) {
      throw FileError.unauthorized("the Authorization header is missing: send the device's SAS token"
          + " 'SharedAccessSignature sr={host}/devices/{id}&sig=…&se=…'");
    }
    DeviceIdentity registered = registry.get(identity).orElse(null);
    if (registered == null) {
      throw identity.moduleId() == null
          ? FileError.hub(404, "DeviceNotFound", 404001, "device '" + identity.deviceId() + "' is not registered")
          : FileError.hub(404, "ModuleNotFound", 404010, "module '" + identity.clientId() + "' is not registered");
    }
    if (!registered.enabled()) {
      throw FileError.unauthorized("identity '" + identity.clientId() + "' is disabled");
    }
    SasToken token;
    try {
      token = SasToken.parse(authorization);
    } catch (IllegalArgumentException e) {
      throw FileError.unauthorized("the Authorization header is not a SAS token: " + e.getMessage());
    }
    String resource = identity.resourceUri(registry.hostName());
    if (!token.covers(resource)) {
      throw FileError.unauthorized("the SAS token's resource '" + token.resourceUri() + "' does not cover '"
          + resource + "'");
    }
    if (token.isExpired(now.getEpochSecond())) {
      throw FileError.unauthorized("the SAS token expired at " + Instant.ofEpochSecond(token.expiryEpochSeconds()));
    }
    boolean valid;
    try {
      String policy = token.keyName();
      if (policy != null) {
        String key = registry.policyKey(policy);
        valid = key != null && SharedAccessPolicies.canConnectDevices(policy) && token.verify(key);
      } else {
        valid = token.verify(registered.primaryKey()) || token.verify(registered.secondaryKey());
      }
    } catch (IllegalArgumentException e) {
      valid = false;
    }
    if (!valid) {
      throw FileError.unauthorized("the SAS token's signature does not match the identity's keys"
          + (token.keyName() == null ? "" : " or policy '" + token.keyName() + "'"));
    }
  }
}
