// The service face's authorization: a SAS token signed with a shared access policy's key that holds the permission
// the route needs (docs/service-api.md §3).
package io.rxiothub.emulator.service.internal;

import io.rxiothub.emulator.internal.RegistryStore;
import io.rxiothub.emulator.internal.SharedAccessPolicies;
import io.rxiothub.emulator.internal.SharedAccessPolicies.Permission;
import io.rxiothub.sas.SasToken;
import java.time.Clock;
import java.time.Instant;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/** Checks {@code Authorization} headers; never puts a token, key or signature in a message. */
public final class ServiceAuth {

  /** How many verified tokens are remembered (a back end reuses one token for many calls). */
  private static final int CACHE_LIMIT = 1024;

  private final RegistryStore registry;
  private final Clock clock;
  /** Authorization header → the policy it was verified for, with that policy's key then and its expiry. */
  private final Map<String, Verified> verified = new ConcurrentHashMap<>();

  private record Verified(String policy, String key, long expiryEpochSeconds) {}

  public ServiceAuth(RegistryStore registry, Clock clock) {
    this.registry = registry;
    this.clock = clock;
  }

  /** As {@link #check} for a route that needs every permission (iothubowner's). */
  void checkAll(@Nullable String authorization) {
    check(authorization, EnumSet.of(Permission.REGISTRY_WRITE));
    check(authorization, EnumSet.of(Permission.SERVICE_CONNECT));
    check(authorization, EnumSet.of(Permission.DEVICE_CONNECT));
  }

  /**
   * Checks that {@code authorization} is a valid policy token for this hub whose policy holds one of
   * {@code anyOf}. A token verified once is remembered until it expires or its policy's key changes.
   *
   * @throws HubError 401 naming the rule that failed
   */
  public void check(@Nullable String authorization, Set<Permission> anyOf) {
    if (authorization == null || authorization.isEmpty()) {
      throw HubError.unauthorized("the Authorization header is missing: send 'SharedAccessSignature sr=…&sig=…"
          + "&se=…&skn={policy}' signed with a shared access policy key");
    }
    Verified known = verified.get(authorization);
    if (known != null && known.expiryEpochSeconds() > clock.instant().getEpochSecond()
        && known.key().equals(registry.policyKey(known.policy()))) {
      checkPermission(known.policy(), anyOf);
      return;
    }
    SasToken token;
    try {
      token = SasToken.parse(authorization);
    } catch (IllegalArgumentException e) {
      throw HubError.unauthorized("the Authorization header is not a SAS token: " + e.getMessage());
    }
    String policy = token.keyName();
    if (policy == null) {
      throw HubError.unauthorized("the SAS token has no skn: the service API takes tokens signed with a shared"
          + " access policy (iothubowner, service, registryRead, registryReadWrite), not device keys");
    }
    String host = registry.hostName().toLowerCase(Locale.ROOT);
    if (!token.covers(host)) {
      throw HubError.unauthorized("the SAS token's resource '" + token.resourceUri() + "' does not cover the hub '"
          + host + "'");
    }
    if (token.isExpired(clock.instant().getEpochSecond())) {
      throw HubError.unauthorized("the SAS token expired at " + Instant.ofEpochSecond(token.expiryEpochSeconds()));
    }
    String key = registry.policyKey(policy);
    boolean valid;
    try {
      valid = key != null && token.verify(key);
    } catch (IllegalArgumentException e) {
      valid = false;
    }
    if (!valid) {
      throw HubError.unauthorized("the SAS token's signature does not match the key of policy '" + policy + "'"
          + (key == null ? " (no such policy)" : ""));
    }
    if (verified.size() >= CACHE_LIMIT) {
      verified.clear();
    }
    verified.put(authorization, new Verified(policy, key, token.expiryEpochSeconds()));
    checkPermission(policy, anyOf);
  }

  private static void checkPermission(String policy, Set<Permission> anyOf) {
    Set<Permission> granted = SharedAccessPolicies.permissions(policy);
    for (Permission permission : anyOf) {
      if (granted.contains(permission)) {
        return;
      }
    }
    StringBuilder needed = new StringBuilder();
    for (Permission permission : anyOf) {
      needed.append(needed.length() == 0 ? "" : " or ").append(permission.wireName());
    }
    throw HubError.unauthorized("policy '" + policy + "' lacks the " + needed + " permission this operation needs");
  }
}
