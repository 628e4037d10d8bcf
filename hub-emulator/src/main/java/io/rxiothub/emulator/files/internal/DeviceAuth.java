// The device HTTPS endpoints' authorization: the device's SAS token in Authorization, or for an X.509 identity the
// client certificate of the TLS connection, checked as MQTT CONNECT checks them (docs/protocol.md §2, §15.5, §16.3).
package io.rxiothub.emulator.files.internal;

import io.rxiothub.emulator.AuthenticationType;
import io.rxiothub.emulator.DeviceIdentity;
import io.rxiothub.emulator.internal.Identity;
import io.rxiothub.emulator.internal.RegistryStore;
import io.rxiothub.emulator.internal.SharedAccessPolicies;
import io.rxiothub.emulator.internal.X509Check;
import io.rxiothub.sas.SasToken;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** Checks a device's token or certificate for one identity; messages name the rule, never a token, key or signature. */
final class DeviceAuth {

  private final RegistryStore registry;

  DeviceAuth(RegistryStore registry) {
    this.registry = registry;
  }

  /**
   * Checks the SAS token in {@code authorization}, or, when there is none and {@code clientCertificates} (leaf
   * first) is not empty, the certificate of an X.509 identity.
   *
   * @throws FileError 401 (no, bad, expired or foreign token or certificate; disabled identity) or 404 (unknown
   *     identity)
   */
  void check(@Nullable String authorization, List<X509Certificate> clientCertificates, Identity identity,
      Instant now) {
    boolean hasToken = authorization != null && !authorization.isEmpty();
    if (!hasToken && clientCertificates.isEmpty()) {
      throw FileError.unauthorized("the Authorization header is missing: send the device's SAS token"
          + " 'SharedAccessSignature sr={host}/devices/{id}&sig=…&se=…' (an X.509 identity presents its client"
          + " certificate in the TLS handshake instead)");
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
    boolean x509 = registered.authenticationType() != AuthenticationType.SAS;
    if (!hasToken || x509) {
      if (!x509) {
        throw FileError.unauthorized("identity '" + identity.clientId() + "' authenticates with SAS tokens, not a"
            + " client certificate: send its token in the Authorization header");
      }
      if (clientCertificates.isEmpty()) {
        throw FileError.unauthorized("identity '" + identity.clientId() + "' authenticates with an X.509"
            + " certificate (" + registered.authenticationType().wireName() + "): present it in the TLS handshake"
            + " instead of a SAS token");
      }
      String problem = X509Check.identityProblem(identity.clientId(), registered, clientCertificates,
          registry.certificateAuthorities(), now);
      if (problem != null) {
        throw FileError.unauthorized(problem);
      }
      return;
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
