// CONNECT authentication (protocol.md §3, §9): the CONNACK code for a CONNECT, decided from the registry, the fault
// rules and the time passed in. No broker, no clock of its own.
package io.rxiothub.emulator.internal;

import io.rxiothub.emulator.AuthenticationType;
import io.rxiothub.emulator.DeviceIdentity;
import io.rxiothub.sas.IotHubIds;
import io.rxiothub.sas.SasToken;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.function.ToIntFunction;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Decides CONNECTs. Reasons name what failed, never a key, signature or token. */
public final class Authentication {

  private static final Logger LOG = LoggerFactory.getLogger(Authentication.class);

  private final RegistryStore registry;
  private final ToIntFunction<String> injectedRefusal;
  private final ClientCertificates clientCertificates;

  /** The outcome of authenticating a CONNECT: 0 = accepted, else the MQTT 3.1.1 CONNACK return code. */
  public record Result(int returnCode, String reason, @Nullable Identity identity, long tokenExpiry) {
    static Result refuse(int code, String reason) {
      return new Result(code, reason, null, 0);
    }
  }

  /**
   * Creates the rules over {@code registry}; {@code injectedRefusal} gives, per client id, the CONNACK code a fault
   * rule imposes (0 for none).
   */
  public Authentication(RegistryStore registry, ToIntFunction<String> injectedRefusal,
      ClientCertificates clientCertificates) {
    this.registry = registry;
    this.injectedRefusal = injectedRefusal;
    this.clientCertificates = clientCertificates;
  }

  /**
   * Authenticates a CONNECT at {@code now}: MQTT 3.1.1 only, a well-formed client id of a registered and enabled
   * identity, a user name {@code {host}/{clientId}/…}, a valid unexpired SAS token covering the identity (or, for
   * an X.509 identity, the client certificate the TLS front held under the marker in the password), and a Will only
   * on the identity's own telemetry topic.
   */
  public Result authenticate(int protocolLevel, String clientId, @Nullable String userName,
      byte @Nullable [] password, @Nullable Will will, Instant now) {
    if (protocolLevel != 4) {
      return Result.refuse(1, "protocol level " + protocolLevel + " is not MQTT 3.1.1 (level 4)");
    }
    Identity identity = Identity.fromClientId(clientId);
    if (identity == null || !IotHubIds.isMqttSafe(clientId)) {
      return Result.refuse(2, "client id '" + clientId + "' is not {deviceId} or {deviceId}/{moduleId}"
          + " of MQTT-safe ids");
    }
    int injected = injectedRefusal.applyAsInt(clientId);
    if (injected != 0) {
      return Result.refuse(injected, "CONNECT refused by fault injection");
    }
    DeviceIdentity registered = registry.get(identity).orElse(null);
    if (registered == null) {
      return Result.refuse(5, "identity '" + clientId + "' is not registered");
    }
    if (!registered.enabled()) {
      return Result.refuse(3, "identity '" + clientId + "' is disabled");
    }
    String hostName = registry.hostName();
    String expectedPrefix = (hostName + "/" + clientId + "/").toLowerCase(Locale.ROOT);
    if (userName == null || !userName.toLowerCase(Locale.ROOT).startsWith(expectedPrefix)
        || !userName.startsWith(userName.substring(0, hostName.length()) + "/" + clientId + "/")) {
      return Result.refuse(5, "user name must start with '" + hostName + "/" + clientId + "/'");
    }
    logApiVersion(clientId, userName.substring(expectedPrefix.length()));
    if (will != null && !will.topic().equals(identity.eventsTopic())
        && !will.topic().startsWith(identity.eventsTopic() + "/")) {
      return Result.refuse(5, "Will topic '" + will.topic() + "' is not the identity's telemetry topic '"
          + identity.eventsTopic() + "/'");
    }
    if (ClientCertificates.isMarker(password)) {
      List<X509Certificate> chain = clientCertificates.take(password);
      if (chain == null) {
        return Result.refuse(5, "the client certificate marker is unknown (used twice, or not the emulator's)");
      }
      return x509(identity, registered, chain, now);
    }
    if (registered.authenticationType() != AuthenticationType.SAS) {
      return Result.refuse(5, "identity '" + clientId + "' authenticates with an X.509 certificate ("
          + registered.authenticationType().wireName() + "): connect over MQTT/TLS with its client certificate and"
          + " no password");
    }
    if (password == null) {
      return Result.refuse(5, "no password: a SAS token is required (or a client certificate, for an identity"
          + " registered with X.509 authentication)");
    }
    SasToken token;
    try {
      token = SasToken.parse(new String(password, StandardCharsets.UTF_8));
    } catch (IllegalArgumentException e) {
      return Result.refuse(5, "password is not a SAS token: " + e.getMessage());
    }
    String resource = identity.resourceUri(hostName);
    if (!token.covers(resource)) {
      return Result.refuse(5, "SAS token resource '" + token.resourceUri() + "' does not cover '" + resource + "'");
    }
    if (token.isExpired(now.getEpochSecond())) {
      return Result.refuse(5, "SAS token expired at " + Instant.ofEpochSecond(token.expiryEpochSeconds()));
    }
    if (!signedWithKnownKey(token, registered)) {
      return Result.refuse(5, "SAS token signature does not match the identity's keys"
          + (token.keyName() == null ? "" : " or policy '" + token.keyName() + "'"));
    }
    return new Result(0, "accepted", identity, token.expiryEpochSeconds());
  }

  private Result x509(Identity identity, DeviceIdentity registered, List<X509Certificate> chain, Instant now) {
    X509Certificate leaf = chain.get(0);
    String problem = X509Check.identityProblem(identity.clientId(), registered, chain,
        registry.certificateAuthorities(), now);
    if (problem != null) {
      return Result.refuse(5, problem);
    }
    return new Result(0, "accepted (X.509 " + registered.authenticationType().wireName() + ")", identity,
        leaf.getNotAfter().getTime() / 1000);
  }

  private boolean signedWithKnownKey(SasToken token, DeviceIdentity registered) {
    try {
      if (token.keyName() != null) {
        String policyKey = registry.policyKey(token.keyName());
        return policyKey != null && SharedAccessPolicies.canConnectDevices(token.keyName())
            && token.verify(policyKey);
      }
      return token.verify(registered.primaryKey()) || token.verify(registered.secondaryKey());
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  private static void logApiVersion(String clientId, String rest) {
    if (!LOG.isDebugEnabled()) {
      return;
    }
    String apiVersion = null;
    try {
      apiVersion = PropertyBags.decode(rest).get("api-version");
    } catch (IllegalArgumentException e) {
      LOG.debug("hub emulator: {} sent a user name whose query is not a valid bag: {}", clientId, e.getMessage());
    }
    LOG.debug("hub emulator: {} connects with api-version {}", clientId, apiVersion == null ? "(none)" : apiVersion);
  }
}
